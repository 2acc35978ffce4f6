"""The request bodies (an agency's review, a bank's decision, consultation, complaints, materials)
take the loan forms' fast path: jsonschema-rs says "valid", anything else is jsonschema's to word.
The fast path must never pass a body jsonschema refuses."""
import json

import pytest
from hypothesis import assume, given, strategies as st

from chalicelib.forms import requests
from tests.builders import valid_offer
from tests.unit.test_forms import HOSTILE, _leaf_paths
from tests.unit.test_forms_fast import JSON, NEAR, SETTINGS, set_at

KINDS = ("other", "patent_certificate")
SLOT = "2026-12-03T10:00:00+08:00"
VALID = {
    "review_decision": [{"approved": True, "reason": "材料齐全"}, {"outcome": "rejected", "reason": "不符合"},
                        {"outcome": "returned", "reason": "缺材料",
                         "missing": [{"kind": "patent_certificate", "note": "专利证书"}, {"note": "质押登记申请表"}]}],
    "bank_decision": [valid_offer("credit"), {"approved": False, "reason": "经营不稳定"}],
    "amendment": [{}, {"materials": ["m1"], "details": {"patent_numbers": ["ZL202310123456.7"]}}],
    "material": [{"kind": "patent_certificate", "filename": "专利 证书.pdf", "content_type": "application/pdf",
                  "size": 1024, "sha256": "a" * 64}],
    "acceptance": [{"bank": "ICBC-BJ"}],
    "thread": [{"subject": "首贷贴息", "text": "需要哪些材料？", "application_id": "A1"}],
    "thread_message": [{"text": "营业执照即可。"}],
    "call_request": [{"kind": "voice", "slot": SLOT}],
    "call_proposal": [{"slot": SLOT}],
    "complaint": [{"about": "service", "text": "排队太久"},
                  {"about": "review", "text": "逾期", "application_id": "A1", "agency": "ipo",
                   "uscc": "91110108MA01C2XY6E", "channel": "12345"}],
    "complaint_answer": [{"text": "已处理"}],
}
# Characters Python's and Rust's regular expressions may class differently (`\S` in a reason).
EDGES = st.sampled_from(["\u001c", "\u001f", "\u0085", "\u00a0", "\u180e", "\u200b", "\u2028", "\u3000", "\ufeff",
                         " \u3000 ", "\t", "a\u0085", "/", "a/b", "a\\b"])


def reaches_the_service(body) -> bool:
    """What `api.http.parse_json` lets through: no NaN or infinity, no integer past 4,300 digits."""
    try:
        json.loads(json.dumps(body, allow_nan=False))
    except ValueError:
        return False
    return True


def verdicts(name: str, body) -> tuple[bool, bool]:
    return requests._fast(name, KINDS).is_valid(body), requests.problems(name, body, KINDS) == []


def test_every_request_body_has_a_fast_path_and_every_example_takes_it():
    assert sorted(VALID) == sorted([*requests.SCHEMAS, "review_decision"])
    for name, bodies in VALID.items():
        for body in bodies:
            assert requests._fast(name, KINDS) is not None, name
            assert verdicts(name, body) == (True, True), (name, body)


@pytest.mark.parametrize("name", sorted(VALID))
@SETTINGS
@given(data=st.data())
def test_the_fast_path_never_passes_a_request_body_jsonschema_refuses(name, data):
    import copy
    body = copy.deepcopy(data.draw(st.sampled_from(VALID[name])))
    paths = list(_leaf_paths(body))[1:]
    for _ in range(data.draw(st.integers(1, 3))):
        if paths and data.draw(st.booleans()):
            set_at(body, data.draw(st.sampled_from(paths)),
                   data.draw(st.one_of(NEAR, JSON, EDGES, st.sampled_from(HOSTILE[:12]))))
        else:
            body[data.draw(st.sampled_from(["approved", "outcome", "missing", "reason", "text", "extra"]))] = \
                data.draw(st.one_of(NEAR, EDGES, st.sampled_from(["returned", "approved"]), JSON))
    assume(reaches_the_service(body))
    fast, slow = verdicts(name, body)
    assert not fast or slow, f"jsonschema-rs said valid, jsonschema found errors: {body!r}"
