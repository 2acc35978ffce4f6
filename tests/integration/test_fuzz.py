"""Hostile input on every route: never a 5xx, always the contract's error shape, nothing stored."""
import json
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.builders import valid_body

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])
NASTY_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["../../etc/passwd", "%2e%2e%2f", "\u202eevil", "\x00\x01\x1f", "ＡＢＣ１２３", "😀" * 5,
                     "1e309", "-0", "<script>", "' OR 1=1 --", "A" * 300]))
LEAVES = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**40, max_value=10**40),
                   st.floats(allow_nan=False, allow_infinity=False), NASTY_TEXT)
JSON = st.recursive(LEAVES, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                    st.dictionaries(NASTY_TEXT, inner, max_size=4)), max_leaves=12)
ROUTES = [("POST", "/applications", ("enterprise", None)), ("POST", "/eligibility", None),
          ("POST", "/applications/{id}/withdraw", ("enterprise", None)),
          ("POST", "/reviews/{id}/decision", ("agency", "ipo")),
          ("POST", "/applications/{id}/bank-decision", ("bank", "ICBC-BJ")),
          ("POST", "/auth/dev-token", None), ("POST", "/rules/simulate", ("policy", "p1")),
          ("PUT", "/rules/{id}", ("policy", "p1"))]


def stored(world) -> int:
    return sum(1 for _ in world.container.store.all_applications())


def assert_contract(reply):
    assert reply.status < 500, reply.json
    if reply.status >= 400:
        assert set(reply.json) == {"errors"} and reply.json["errors"]
        for e in reply.json["errors"]:
            assert set(e) - {"line"} == {"path", "code", "message_zh", "message_en"}   # line: rule files only


def who(world, role):
    if role is None:
        return None
    return (role[0], role[1] or world.enterprise()[1])


@SETTINGS
@given(body=JSON, route=st.sampled_from(ROUTES), ident=NASTY_TEXT)
def test_any_json_on_any_route_is_answered_within_the_contract(world, body, route, ident):
    method, path, role = route
    before = stored(world)
    reply = world.call(method, path.replace("{id}", quote(ident, safe="") or "x"), as_=who(world, role), body=body)
    assert_contract(reply)
    if reply.status >= 400:
        assert stored(world) == before


@SETTINGS
@given(raw=st.one_of(st.binary(max_size=200), st.sampled_from(
    [b"{", b"[" * 5000, b'{"a": NaN}', b'{"a": Infinity}', b"\xff\xfe", b'{"amount": 1e999}', b"null", b'"x"'])))
def test_malformed_bytes_are_refused_cleanly(world, raw):
    me = world.enterprise()
    before = stored(world)
    reply = world.call("POST", "/applications", as_=me, raw=raw)
    assert_contract(reply)
    assert reply.status in (400, 413) and stored(world) == before


@SETTINGS
@given(scenario=st.sampled_from(["credit", "entrepreneurship_guarantee", "ip_pledge", "receivable_confirmation",
                                 "real_estate_mortgage"]),
       field=st.sampled_from(["amount", "term_months", "banks", "products", "enterprise", "details", "first_loan",
                              "enterprise.uscc", "enterprise.employees", "enterprise.industry_code",
                              "enterprise.annual_revenue", "purpose", "surprise"]),
       value=JSON)
def test_a_valid_application_with_one_field_replaced_by_anything_never_breaks_the_service(world, scenario, field, value):
    me = world.enterprise()
    body = valid_body(scenario, **{"enterprise.uscc": me[1]})
    node, *_ = [body]
    parts = field.split(".")
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value
    before = stored(world)
    reply = world.call("POST", "/applications", as_=me, body=body)
    assert_contract(reply)
    assert stored(world) == before + (1 if reply.status == 201 else 0)


def test_deep_nesting_is_refused_not_crashed_on(world):
    me = world.enterprise()
    deep = "[" * 100_000 + "]" * 100_000
    reply = world.call("POST", "/applications", as_=me, raw=deep)
    assert_contract(reply)
    assert reply.status in (400, 413)
    nested = json.dumps(valid_body("credit", **{"enterprise.uscc": me[1], "details": {"x": [[[[[[[[[]]]]]]]]]}}))
    assert_contract(world.call("POST", "/applications", as_=me, raw=nested))
