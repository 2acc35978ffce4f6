"""Chinese identifiers and the small string formats the forms assert.

USCC (GB 32100-2015) and resident ID numbers (GB 11643-1999) are checked by their published check
digits through python-stdnum, imported on first use so a cold start that never validates a form
does not pay for it. Every function here takes any value and never raises.
"""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

USCC_FORMAT = "uscc_format"
USCC_CHECK_DIGIT = "uscc_check_digit"

# Since 2003: 4-digit year, kind (1 invention, 2 utility model, 3 design, 8/9 PCT), 7-digit serial.
_PATENT = re.compile(r"^ZL([0-9]{12})\.([0-9X])$")
_PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# C0/C1 controls (but tab and newlines), and the bidirectional overrides used to disguise text.
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# RFC 3986: an absolute URI is a scheme, ':' and the rest, in these characters only.
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")


def uscc_error(value) -> str | None:
    """The form error code for a unified social credit code: None, `uscc_format` or `uscc_check_digit`."""
    if not isinstance(value, str) or len(value) != 18:
        return USCC_FORMAT
    from stdnum.cn import uscc
    from stdnum.exceptions import InvalidChecksum, ValidationError
    try:
        compact = uscc.validate(value)
    except InvalidChecksum:
        return USCC_CHECK_DIGIT
    except (ValidationError, ValueError, TypeError):
        return USCC_FORMAT
    # stdnum forgives spaces, hyphens and lower case; a stored identity must be the canonical form.
    return None if compact == value else USCC_FORMAT


def uscc_problem(value) -> str | None:
    """Why `value` is not an 18-character unified social credit code (GB 32100-2015), or None."""
    return {
        None: None,
        USCC_FORMAT: "must be 18 characters: 8 digits, then digits or capital letters except I, O, S, V, Z",
        USCC_CHECK_DIGIT: "wrong check digit (GB 32100-2015)",
    }[uscc_error(value)]


def resident_id_problem(value) -> str | None:
    """Why `value` is not an 18-character PRC resident ID number, or None (never echoes the value)."""
    if not isinstance(value, str) or len(value) != 18:
        return "must be 18 characters"
    from stdnum.cn import ric
    from stdnum.exceptions import InvalidChecksum, ValidationError
    try:
        compact = ric.validate(value)
    except InvalidChecksum:
        return "wrong check digit (GB 11643-1999)"
    except (ValidationError, ValueError, TypeError, KeyError):
        return "not a valid birth place, birth date or format"
    return None if compact == value else "must be 17 digits and a digit or capital X"


def patent_check_digit(application_number: str) -> str:
    """The CNIPA check digit of a 12-digit patent application number: weights 2..9, 2..5, mod 11."""
    total = sum(int(digit) * weight for digit, weight in zip(application_number, _PATENT_WEIGHTS))
    return "X" if total % 11 == 10 else str(total % 11)


def is_patent_number(value) -> bool:
    """A patent number (ZL + 12-digit application number + '.' + check digit) whose check digit is right.

    Only the digit is judged here; the shape is the schema's `pattern`, so a typo is one error.
    """
    match = _PATENT.match(value) if isinstance(value, str) else None
    return match is None or patent_check_digit(match.group(1)) == match.group(2)


def is_iso_date(value) -> bool:
    """A calendar date written YYYY-MM-DD (RFC 3339 full-date); other types are someone else's error."""
    if not isinstance(value, str):
        return True
    if not _ISO_DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_uri(value) -> bool:
    """An absolute URI (RFC 3986); a web address must also name its host."""
    if not isinstance(value, str):
        return True
    if len(value) > 2000 or not _URI.match(value):
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme.lower() not in ("http", "https") or bool(parts.hostname)
    except ValueError:
        return False


def is_plain_text(value) -> bool:
    """Text without control characters or the direction overrides used to disguise text."""
    return not isinstance(value, str) or not _HIDDEN.search(value)


def is_uscc(value) -> bool:
    return not isinstance(value, str) or uscc_error(value) is None


def is_resident_id(value) -> bool:
    return not isinstance(value, str) or resident_id_problem(value) is None
