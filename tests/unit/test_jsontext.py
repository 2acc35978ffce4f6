"""What we store and send reads back as the standard library's JSON of it would, orjson or not."""
import json

from hypothesis import given, strategies as st

from chalicelib.jsontext import dumps
from tests.unit.test_forms_fast import SETTINGS

# Finite floats only: the API refuses NaN and the infinities on the way in (api/http.parse_json).
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30) | st.sampled_from(["首贷贴息", "朝阳区", "😀", "\u202e", "a\x00b", "\\", '"'])
    | st.integers(min_value=2 ** 63, max_value=10 ** 300),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


def standard(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@SETTINGS
@given(VALUES)
def test_every_document_reads_back_as_the_standard_librarys_text_of_it(value):
    assert json.loads(dumps(value)) == json.loads(standard(value))


def test_chinese_is_written_as_characters_and_nothing_is_spaced():
    assert dumps({"原因": "材料齐全", "n": [1, 2.5]}) == '{"原因":"材料齐全","n":[1,2.5]}'


def test_what_orjson_refuses_is_written_as_the_standard_library_writes_it():
    for value in ({"amount": 2 ** 70}, {1: "a", "b": [2 ** 64]}, ["\ud800"]):
        assert dumps(value) == standard(value)
