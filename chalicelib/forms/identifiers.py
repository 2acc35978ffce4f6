"""Chinese identifiers and the small string formats the forms assert.

USCC (GB 32100-2015) and resident ID numbers (GB 11643-1999) are checked by their published check
digits, the arithmetic written out here and held to python-stdnum's verdict by tests (stdnum costs
more than the rest of a form); stdnum itself is imported on first use, for a resident ID's birth
place. Every function here takes any value and never raises, except the two halves after a shape
(`uscc_check_digit_holds`, `resident_id_digits_problem`), which expect their pattern's shape.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from operator import mul
from urllib.parse import urlsplit

from ..domain.money import is_whole_fen

USCC_FORMAT = "uscc_format"
USCC_CHECK_DIGIT = "uscc_check_digit"
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"     # GB 32100-2015: no I, O, S, V, Z
_USCC_AS_DIGITS = str.maketrans(_USCC_ALPHABET, "0123456789abcdefghijklmnopqrstu")   # its value as a digit
USCC_PATTERN = "^[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}$"
_USCC = re.compile(USCC_PATTERN)

# Since 2003: 4-digit year, kind (1 invention, 2 utility model, 3 design, 8/9 PCT), 7-digit serial.
_PATENT = re.compile(r"^ZL([0-9]{12})\.([0-9X])$")
_PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_PATENT_ZEROS = ord("0") * sum(_PATENT_WEIGHTS)
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# C0/C1 controls (but tab and newlines), and the bidirectional overrides used to disguise text:
# a character class in the escapes Python's re and JSON Schema's (ECMA 262) patterns share.
HIDDEN_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_HIDDEN = re.compile(f"[{HIDDEN_CHARACTERS}]")
# RFC 3986: an absolute URI is a scheme, ':' and the rest, in these characters only.
# http(s)://, no user info, a host of letters, digits, dots and hyphens, an optional port, then
# the path: urlsplit would find that host too, so the answer is the same.
_PLAIN_WEB_ADDRESS = re.compile(r"(?i:https?)://[A-Za-z0-9.-]+(?::[0-9]*)?(?:[/?#]|$)")
URI_PATTERN = r"^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$"
URI_MAX_LENGTH = 2000
_URI = re.compile(URI_PATTERN)


def uscc_error(value) -> str | None:
    """The form error code for a unified social credit code: None, `uscc_format` or `uscc_check_digit`.

    Only the canonical form is accepted (a stored identity is compared as text): 8 digits, then
    10 of the code's 31 characters, the last one the GB 32100-2015 check character. The
    arithmetic is here rather than in python-stdnum because it runs on every submission and
    stdnum's validate (which first forgives spaces and lower case) costs more than the rest of
    the form together; tests/unit/test_forms_fast.py holds it to stdnum's answer on random input.

    The weighted sum Σ value(cᵢ)·3ⁱ (mod 31) is one integer parse: read the first 17 characters
    backwards as a base-34 numeral, each spelled as its value, and since 34 ≡ 3 (mod 31) the
    numeral is the sum (mod 31)."""
    if not isinstance(value, str) or len(value) != 18 or not _USCC.fullmatch(value):
        return USCC_FORMAT
    return None if uscc_check_digit_holds(value) else USCC_CHECK_DIGIT


def uscc_check_digit_holds(value: str) -> bool:
    """The check character of a code already of USCC_PATTERN's shape (raises ValueError on some others)."""
    return _USCC_ALPHABET[-int(value[16::-1].translate(_USCC_AS_DIGITS), 34) % 31] == value[17]


def uscc_problem(value) -> str | None:
    """Why `value` is not an 18-character unified social credit code (GB 32100-2015), or None."""
    return {
        None: None,
        USCC_FORMAT: "must be 18 characters: 8 digits, then digits or capital letters except I, O, S, V, Z",
        USCC_CHECK_DIGIT: "wrong check digit (GB 32100-2015)",
    }[uscc_error(value)]


def resident_id_problem(value) -> str | None:
    """Why `value` is not an 18-character PRC resident ID number, or None (never echoes the value).

    python-stdnum's own checks, in its order (length, digits, check digit, birth date, birth
    place), its check-digit arithmetic written out (no import on the way), and the birth-place
    look-up remembered per region and year: it reads stdnum's region database and costs more than
    the rest of a form, and a city's applicants share a few thousand (region, year) pairs.
    tests/unit/test_forms_fast.py holds this to stdnum's validate."""
    if not isinstance(value, str) or len(value) != 18:
        return "must be 18 characters"
    if not _RESIDENT_ID.fullmatch(value):
        return "must be 17 digits and a digit or capital X"
    return resident_id_digits_problem(value)


def resident_id_digits_problem(value: str) -> str | None:
    """The checks after the shape (RESIDENT_ID_PATTERN): check digit, birth date, birth place."""
    if value[17] != _RESIDENT_CHECK[(1 - 2 * int(value[:17], 13)) % 11]:   # stdnum's calc_check_digit
        return "wrong check digit (GB 11643-1999)"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return _NOT_A_PLACE_OR_DATE
    return None if _birth_place_known(value[:6], born.year) else _NOT_A_PLACE_OR_DATE


_NOT_A_PLACE_OR_DATE = "not a valid birth place, birth date or format"
RESIDENT_ID_PATTERN = "^[0-9]{17}[0-9X]$"
_RESIDENT_ID = re.compile(RESIDENT_ID_PATTERN)
_RESIDENT_CHECK = "0123456789X"


@lru_cache(maxsize=16_384)
def _birth_place_known(region: str, year: int) -> bool:
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError
    try:
        ric.get_birth_place(f"{region}{year:04d}01010000")
    except (ValidationError, ValueError, KeyError):
        return False
    return True


def patent_check_digit(application_number: str) -> str:
    """The CNIPA check digit of a 12-digit patent application number: weights 2..9, 2..5, mod 11."""
    total = sum(map(mul, application_number.encode(), _PATENT_WEIGHTS)) - _PATENT_ZEROS   # bytes: ord(digit)
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
    if len(value) > URI_MAX_LENGTH or not _URI.fullmatch(value):
        return False
    return names_a_host(value)


def names_a_host(value) -> bool:
    """A web address (http, https) must name its host: the common case, scheme://host[:port]/…,
    without urlsplit's cost. (The rest of `is_uri` is a pattern, which the forms' fast path
    leaves to jsonschema-rs.)"""
    return not isinstance(value, str) or bool(_PLAIN_WEB_ADDRESS.match(value)) or names_its_host(value)


def names_its_host(uri: str) -> bool:
    """urlsplit's reading of a URI: a web address (http, https) must name its host."""
    try:
        parts = urlsplit(uri)
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


is_yuan = is_whole_fen   # money: yuan with at most two decimals (fen); not a number: the type check says so
