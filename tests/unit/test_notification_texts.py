"""The notification texts are data: checked when loaded, and every kind the domain raises has words."""
import ast
from pathlib import Path

import pytest

from chalicelib.services.notifications import NoticeTexts, NoticeTextsError

ROOT = Path(__file__).resolve().parents[2]


def kinds_raised_by_the_domain() -> set[str]:
    """The kinds named in `_notify("kind", ...)` calls of the domain's aggregates."""
    kinds = set()
    for path in (ROOT / "chalicelib" / "domain").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "_notify":
                first = node.args[0]
                if isinstance(first, ast.IfExp):
                    kinds |= {first.body.value, first.orelse.value}
                else:
                    kinds.add(first.value)
    return kinds


def test_every_kind_the_domain_raises_has_words_in_both_languages():
    raised = kinds_raised_by_the_domain()
    assert {"rejected", "offer", "bank_declined", "declined", "overdue", "returned"} <= raised
    assert raised <= NoticeTexts.load().kinds()


def test_the_shipped_texts_load():
    texts = NoticeTexts.load()
    zh, en = texts.words("overdue", {"agency": "知识产权局", "scenario": "知识产权质押贷", "due": "2026-10-14"},
                         {"agency": "the IP office", "scenario": "IP pledge loan", "due": "2026-10-14"})
    assert "知识产权局" in zh and "2026-10-14" in zh and "the IP office" in en


@pytest.mark.parametrize("doc,complaint", [
    ({"kinds": {"offer": {"zh": "批准了"}}}, "needs exactly the texts zh, en"),
    ({"kinds": {"offer": {"zh": "批准了", "en": ""}}}, "offer.en: empty"),
    ({"kinds": {"offer": {"zh": "{bank}批准了", "en": "{banker} approved"}}}, "unknown placeholder {banker}"),
    ({"kinds": {"offer": {"zh": "{amount:.2f}", "en": "ok"}}}, "takes no format"),
    ({"kinds": {"offer": {"zh": "{bank", "en": "ok"}}}, "literal brace"),
    ({"kinds": {"Offer!": {"zh": "a", "en": "b"}}}, "lower-case letters"),
    ({"kinds": {"offer": {"zh": "长" * 301, "en": "b"}}}, "longer than 300"),
    ([], "must hold `kinds:`"),
])
def test_a_text_file_with_a_mistake_is_refused_when_loaded(doc, complaint):
    with pytest.raises(NoticeTextsError) as caught:
        NoticeTexts.from_dict(doc)
    assert complaint in str(caught.value)


def test_a_broken_yaml_file_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "notifications.yaml"
    bad.write_text("kinds:\n  offer: [unclosed\n", encoding="utf-8")
    with pytest.raises(NoticeTextsError, match="notifications.yaml"):
        NoticeTexts.load(bad)
