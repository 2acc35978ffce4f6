"""The fast path (jsonschema-rs for the structure, our format functions where the schema names
them) only ever says "valid" where jsonschema finds no error; the hand-written USCC and resident
ID checks give python-stdnum's verdict."""
import math

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from chalicelib.forms import SCENARIOS, identifiers
from tests.builders import forms, valid_body, valid_uscc
from tests.unit.test_forms import HOSTILE, _leaf_paths

SETTINGS = settings(max_examples=300, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12)
# Values near what a form accepts, where two validators are likeliest to part ways.
NEAR = st.sampled_from([0, -1, 1, 0.5, 1e15, 2**53 + 1, 2**63, 2**64, 10**400, 10**5000, -(10**5000), math.inf,
                        "", " ", "\n", "2024-02-29", "2023-02-29", "0000-01-01", "0001-01-01", "2024-2-9", "２０２４-01-01", "2024-01-01\n",
                        "a\x00b", "\u202e", "ZL202310123456.7", "http://", "https://x.cn/a b", "6210", "62", "621",
                        "haidian", "Haidian", "ICBC-BJ", "icbc-bj", True, [], {}, [1, 1], ["ICBC-BJ", "ICBC-BJ"]])


def verdicts(body) -> tuple[bool, bool]:
    registry = forms()
    return registry._fast[body["scenario"]].is_valid(body), registry.errors(body) == []


def set_at(body, path, value) -> None:
    """Put `value` at `path` if the way there still exists (an earlier change may have cut it)."""
    node = body
    for step in path[:-1]:
        node = _child(node, step)
    if _child(node, path[-1]) is not _MISSING:
        node[path[-1]] = value


_MISSING = object()


def _child(node, step):
    if isinstance(node, dict) and isinstance(step, str):
        return node.get(step, _MISSING)
    if isinstance(node, list) and isinstance(step, int) and step < len(node):
        return node[step]
    return _MISSING


def mutated(data, scenario: str) -> dict:
    body = valid_body(scenario)
    paths = list(_leaf_paths(body))[1:]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        if path == ("scenario",):
            continue
        value = data.draw(st.one_of(NEAR, JSON, st.sampled_from(HOSTILE[:12])))
        set_at(body, path, value)
    if data.draw(st.booleans()):
        body[data.draw(st.sampled_from(["extra", "enterprise"]))] = data.draw(JSON)
    return body


def test_every_form_has_a_fast_path_and_every_example_takes_it():
    assert sorted(forms()._fast) == sorted(SCENARIOS)
    for scenario in SCENARIOS:
        assert verdicts(valid_body(scenario)) == (True, True)


@pytest.mark.parametrize("scenario", SCENARIOS)
@SETTINGS
@given(data=st.data())
def test_the_fast_path_never_passes_a_body_jsonschema_refuses(scenario, data):
    fast, slow = verdicts(mutated(data, scenario))
    assert not fast or slow, "jsonschema-rs said valid, jsonschema found errors"


DATES = [f"{year}-{month:02d}-{day:02d}" for year in ("0000", "0001", "0099", "1900", "2000", "2023", "2024", "9999")
         for month in range(14) for day in (0, 1, 9, 10, 28, 29, 30, 31, 32)]


def test_the_rust_validator_judges_dates_as_python_does():
    """Dates are checked by jsonschema-rs on the fast path: its calendar starts at year 0, ours at 1."""
    differ = [d for d in DATES if len(set(verdicts(valid_body("credit", **{"enterprise.established": d})))) > 1]
    assert differ == [], "the fast path and jsonschema judge these dates differently"
    taken = sum(verdicts(valid_body("credit", **{"enterprise.established": d}))[0] for d in DATES)
    assert taken == sum(map(identifiers.is_iso_date, DATES)) > 500, "a valid date should take the fast path"


@SETTINGS
@given(st.text(st.characters(codec="utf-8", categories=("Cc", "Cf", "Zl", "Zp", "Lo", "Zs")), max_size=6))
def test_the_rust_validator_judges_plain_text_as_python_does(text):
    body = valid_body("credit", **{"enterprise.name": "北京" + text})
    fast, slow = verdicts(body)
    assert fast == slow == identifiers.is_plain_text("北京" + text), repr(text)


@SETTINGS
@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_the_patent_check_digit_is_the_weighted_sum_mod_11(number):
    total = sum(int(digit) * weight for digit, weight in zip(number, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)))
    assert identifiers.patent_check_digit(number) == ("X" if total % 11 == 10 else str(total % 11))


def test_a_huge_integer_is_judged_by_jsonschema_not_misread_as_valid():
    body = valid_body("credit", **{"enterprise.employees": 10**5000})
    assert verdicts(body) == (False, False)
    assert [e.code for e in forms().validate(body)] == ["maximum"]


@SETTINGS
@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXYIOSVZa -", min_size=16, max_size=19))
def test_the_uscc_check_gives_stdnums_verdict(text):
    from stdnum.cn import uscc
    assert (identifiers.uscc_error(text) is None) == (uscc.is_valid(text) and uscc.compact(text) == text)


@SETTINGS
@given(st.one_of(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXYIOSVZaz -", min_size=17, max_size=19),
                 st.integers(0, 10**6).map(valid_uscc), st.integers(0, 10**6).map(lambda n: valid_uscc(n).lower())))
def test_the_fast_path_judges_a_uscc_as_is_uscc_does(text):
    """The shape is a pattern jsonschema-rs checks; the check digit stays in Python."""
    from chalicelib.forms.registry import FastCheck
    fast = FastCheck({"type": "object", "properties": {"u": {"type": "string", "format": "uscc"}}})
    assert fast.is_valid({"u": text}) == identifiers.is_uscc(text), text


@SETTINGS
@given(st.integers(0, 10**6))
def test_a_uscc_with_a_right_check_digit_passes_and_every_other_digit_fails(seed):
    good = valid_uscc(seed)
    assert identifiers.uscc_error(good) is None
    others = [c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != good[-1]]
    assert {identifiers.uscc_error(good[:-1] + c) for c in others} == {identifiers.USCC_CHECK_DIGIT}


def _finished(text: str) -> str:
    """A generated 17-digit body finished with its right check digit half the time."""
    from stdnum.cn import ric
    if len(text) == 17 and text.isdigit():
        text += ric.calc_check_digit(text + "0") if int(text[-1]) % 2 else "0"
    return text


RESIDENT_IDS = st.one_of(
    st.text(alphabet="0123456789Xxab ", min_size=17, max_size=19),
    st.builds(lambda region, year, month, day, seq: f"{region:06d}{year:04d}{month:02d}{day:02d}{seq:03d}",
              st.sampled_from([110101, 110108, 310101, 440305, 999999, 110000]),
              st.integers(1900, 2030), st.integers(0, 13), st.integers(0, 32), st.integers(0, 999))).map(_finished)


@SETTINGS
@given(RESIDENT_IDS)
def test_the_resident_id_check_gives_stdnums_verdict(text):
    from stdnum.cn import ric
    assert (identifiers.resident_id_problem(text) is None) == (ric.is_valid(text) and ric.compact(text) == text), text


@SETTINGS
@given(RESIDENT_IDS)
def test_the_fast_path_judges_a_resident_id_as_is_resident_id_does(text):
    """The shape is a pattern jsonschema-rs checks; check digit, birth date and place stay in Python."""
    from chalicelib.forms.registry import FastCheck
    fast = FastCheck({"type": "object", "properties": {"u": {"type": "string", "format": "resident_id"}}})
    assert fast.is_valid({"u": text}) == identifiers.is_resident_id(text), text


URIS = st.builds(lambda scheme, sep, host, port, rest: f"{scheme}{sep}{host}{port}{rest}",
                 st.sampled_from(["http", "HTTPS", "https", "ftp", "mailto", "h"]),
                 st.sampled_from(["://", ":", ":/", "://user@", ":///"]),
                 st.text(alphabet="abcXYZ019.-[]:@%", max_size=12),
                 st.sampled_from(["", ":", ":80", ":99999", ":x"]),
                 st.text(alphabet="/?#ab=&%20 \n", max_size=8))


@SETTINGS
@given(URIS)
def test_the_web_address_shortcut_gives_urlsplits_verdict(value):
    by_urlsplit = len(value) <= 2000 and bool(identifiers._URI.fullmatch(value)) and identifiers.names_its_host(value)
    assert identifiers.is_uri(value) == by_urlsplit, value


@SETTINGS
@given(st.one_of(URIS, st.text(max_size=12).map(lambda rest: "https://x.cn/" + rest), st.sampled_from(
    ["https://x.cn/a\n", "h:" + "a" * 1999, "h:" + "a" * 1998, "http://[::1]/", "https://user@x.cn/", "mailto:a@b"])))
def test_the_fast_path_judges_a_uri_as_is_uri_does(value):
    """The shape of a URI is a pattern jsonschema-rs checks; whether a web address names its host stays in Python."""
    from chalicelib.forms.registry import FastCheck
    fast = FastCheck({"type": "object", "properties": {"u": {"type": "string", "format": "uri"}}})
    assert fast.is_valid({"u": value}) == identifiers.is_uri(value), repr(value)
