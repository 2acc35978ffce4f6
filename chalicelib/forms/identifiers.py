"""Chinese identifiers checked by their published check digits (via python-stdnum)."""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# C0/C1 controls (but tab and newlines), and the bidirectional overrides used to disguise text.
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def is_plain_text(value) -> bool:
    return not isinstance(value, str) or not _HIDDEN.search(value)


def uscc_problem(value) -> str | None:
    """Why `value` is not an 18-character unified social credit code (GB 32100-2015), or None."""
    from stdnum.cn import uscc
    if not isinstance(value, str):
        return "format"
    try:
        uscc.validate(value)
    except uscc.InvalidChecksum:
        return "check_digit"
    except uscc.ValidationError:
        return "format"
    return None if value == uscc.compact(value) else "format"


def resident_id_problem(value) -> str | None:
    from stdnum.cn import ric
    if not isinstance(value, str):
        return "format"
    try:
        ric.validate(value)
    except ric.InvalidChecksum:
        return "check_digit"
    except ric.ValidationError:
        return "format"
    return None


def is_iso_date(value) -> bool:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_https_url(value) -> bool:
    if not isinstance(value, str) or any(ch.isspace() for ch in value):
        return False
    parts = urlsplit(value)
    return parts.scheme == "https" and bool(parts.hostname)
