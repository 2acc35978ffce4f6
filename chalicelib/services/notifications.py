"""Notifications: a change's notices put into words, and the enterprise's own list of them.

The words are data (`data/notifications.yaml`), checked when loaded so a missing language or an
unknown placeholder stops the service at start-up, not a request. Each notification is written
by the store in the transaction of the change that caused it, with its message to the
notifications queue (the SMS/e-mail gateway), so the two exist exactly when the change does.
"""
from __future__ import annotations

import re
import string
from pathlib import Path

from ..domain.application import Actor
from ..domain.errors import NotFound, ValidationFailed
from ..domain.notifications import Notice, Notification

TEXTS_FILE = "notifications.yaml"
LANGUAGES = ("zh", "en")
# The placeholders a text may use: each is filled from the notice's facts, in the text's language.
FIELDS = frozenset({"scenario", "agency", "bank", "reason", "amount", "annual_rate", "term_months", "due",
                    "items", "subject", "slot"})
KIND_NAME = re.compile(r"[a-z][a-z_]{0,39}")
MAX_TEXT = 300   # characters: an SMS gateway splits longer ones


class NoticeTextsError(ValueError):
    def __init__(self, where: str, problems: list[str]):
        self.problems = problems
        super().__init__(f"{where}: " + "; ".join(problems))


def text_problems(doc) -> list[str]:
    """Every way the document is not a set of usable texts (all of them, for one fix)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("kinds"), dict) or not doc["kinds"]:
        return ["the file must hold `kinds:`, a mapping of kind names to their zh and en texts"]
    problems = []
    for kind, texts in doc["kinds"].items():
        if not isinstance(kind, str) or not KIND_NAME.fullmatch(kind):
            problems.append(f"kind {kind!r}: a name is lower-case letters and _")
            continue
        if not isinstance(texts, dict) or set(texts) != set(LANGUAGES):
            problems.append(f"{kind}: needs exactly the texts {', '.join(LANGUAGES)}")
            continue
        for lang in LANGUAGES:
            text = texts[lang]
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{kind}.{lang}: empty")
                continue
            if len(text) > MAX_TEXT:
                problems.append(f"{kind}.{lang}: longer than {MAX_TEXT} characters")
            try:
                parts = list(string.Formatter().parse(text))
            except ValueError as exc:
                problems.append(f"{kind}.{lang}: {exc} (write {{{{ and }}}} for a literal brace)")
                continue
            for _, name, spec, conversion in parts:
                if name is None:
                    continue
                if name not in FIELDS:
                    problems.append(f"{kind}.{lang}: unknown placeholder {{{name}}} (known: {', '.join(sorted(FIELDS))})")
                elif spec or conversion:
                    problems.append(f"{kind}.{lang}: {{{name}}} takes no format")
    return problems


class NoticeTexts:
    """The checked texts, by kind; built by `load` or `from_dict`, read-only afterwards."""

    def __init__(self, kinds: dict[str, dict[str, str]]):
        self._kinds = {k: dict(v) for k, v in kinds.items()}

    @classmethod
    def load(cls, path: str | Path | None = None) -> "NoticeTexts":
        import yaml
        from ..datafiles import data_dir
        path = Path(path) if path else data_dir("data") / TEXTS_FILE
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise NoticeTextsError(str(path), [f"not valid YAML: {exc}"]) from None
        return cls.from_dict(doc, str(path))

    @classmethod
    def from_dict(cls, doc, where: str = "notification texts") -> "NoticeTexts":
        problems = text_problems(doc)
        if problems:
            raise NoticeTextsError(where, problems)
        return cls(doc["kinds"])

    def kinds(self) -> frozenset[str]:
        return frozenset(self._kinds)

    def words(self, kind: str, zh: dict, en: dict) -> tuple[str, str]:
        texts = self._kinds[kind]     # a kind raised but not in the file is a bug: tests render each
        return texts["zh"].format_map(zh), texts["en"].format_map(en)


def localized(deps, facts: dict) -> tuple[dict, dict]:
    """The facts as each language says them: names for codes, yuan and percentages written out."""
    from .views import agency_name
    zh, en = {}, {}
    for name, value in facts.items():
        if name == "scenario":
            form = next((f for f in deps.forms.list_forms() if f["id"] == value), {})
            zh[name], en[name] = form.get("name_zh", value), form.get("name_en", value)
        elif name == "agency":
            zh[name], en[name] = agency_name(value)
        elif name == "bank":
            bank = deps.catalog.bank(value) or {}
            zh[name], en[name] = bank.get("name_zh", value), bank.get("name_en", value)
        elif name == "amount":
            zh[name] = en[name] = f"{value:,.2f}"
        elif name == "annual_rate":
            zh[name] = en[name] = f"{round(value * 100, 4):g}%"
        elif name == "items":
            zh[name], en[name] = items_in_words(deps, value)
        else:
            zh[name] = en[name] = str(value)
    return zh, en


def items_in_words(deps, items: list[dict]) -> tuple[str, str]:
    """A returned application's items, numbered: who asks, for which kind of material, and why."""
    from .views import agency_name
    kinds = deps.engine.book.material_kinds
    zh, en = [], []
    for n, item in enumerate(items, 1):
        who = agency_name(item["agency"])
        kind = kinds.get(item.get("kind")) if item.get("kind") else None
        zh.append(f"{n}. {who[0]}：{kind['zh'] + '，' if kind else ''}{item['note']}")
        en.append(f"{n}. {who[1]}: {kind['en'] + ', ' if kind else ''}{item['note']}")
    return "；".join(zh), "; ".join(en)


def put_into_words(deps, notices: list[Notice], at: str) -> list[Notification]:
    out = []
    for notice in notices:
        text_zh, text_en = deps.notice_texts.words(notice.kind, *localized(deps, notice.facts))
        out.append(Notification(id=deps.ids.new_id(), recipient=notice.recipient, kind=notice.kind, at=at,
                                text_zh=text_zh, text_en=text_en, application_id=notice.application_id))
    return out


# ---- the enterprise's list ------------------------------------------------------------------------
def list_notifications(deps, actor: Actor, unread: str | None, cursor: str | None, limit: int) -> dict:
    if unread not in (None, "true", "false"):
        raise ValidationFailed.single("/unread", "enum", "unread 只能是 true 或 false", "unread must be true or false")
    only_unread = unread == "true"
    listing = f"{actor.label}:notifications:{'unread' if only_unread else 'all'}"
    items, next_cursor = deps.cursors.page(
        listing, cursor, lambda at: deps.store.notifications(actor.subject, only_unread, limit, at))
    return {"items": [n.to_view() for n in items], "cursor": next_cursor}


def mark_read(deps, actor: Actor, notification_id: str) -> dict:
    """Reading one again changes nothing and answers the same."""
    from .applications import now_iso
    found = deps.store.mark_notification_read(actor.subject, notification_id, now_iso(deps))
    if found is None:
        raise NotFound.single("", "not_found", "通知不存在", "No such notification")
    return found.to_view()
