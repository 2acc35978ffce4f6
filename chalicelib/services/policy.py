"""Policy staff's use cases: list rule versions, simulate a draft, publish a new version.

A draft is checked exactly as a published file is (file, line, plain reason), then run against
the stored applications without changing any of them. Publishing stores the file with its hash
and author, and in the same transaction an entry of the ruleset's history (who, when, the version
before and after) that nothing can rewrite; every decision after that names the version it used.
"""
from __future__ import annotations

import hashlib
from datetime import date

from ..domain.errors import BusinessRuleViolated, Conflict, FieldError, NotFound, ValidationFailed
from ..domain.facts import facts_from_application
from .applications import MAX_ATTEMPTS, not_found, now_iso
from .ports import PublishedRuleset, RulesetPublication, StaleVersion, VersionTaken

MAX_DRAFT_BYTES = 200_000
COMPARED = ("eligible", "enterprise_size", "required_reviews")
COMPARED_SUBSIDY = ("eligible", "interest_subsidy_rate", "guarantee_fee_subsidy_rate_cap")


def _rule_file_error(path: str, exc) -> ValidationFailed:
    line = getattr(exc, "line", 0)
    message = getattr(exc, "message", str(exc))
    return ValidationFailed(FieldError(path, "rule_file", f"规则文件第 {line} 行：{message}",
                                       f"Rule file, line {line}: {message}"))


def _draft_files(body) -> list[tuple[str, bytes]]:
    if not isinstance(body, dict):
        raise ValidationFailed.single("", "type", "请求体须为 JSON 对象", "The body must be a JSON object")
    files = body.get("files")
    if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):
        raise ValidationFailed.single("/files", "required", "files 须为规则文件内容（YAML 文本）的列表",
                                      "files must be a list of rule-file contents (YAML text)")
    out = []
    for n, text in enumerate(files):
        raw = text.encode("utf-8")
        if len(raw) > MAX_DRAFT_BYTES:
            raise ValidationFailed.single(f"/files/{n}", "too_large", "规则文件过大", "The rule file is too large")
        out.append((f"draft-{n + 1}.yaml", raw))
    return out


def _book_with(deps, extra: list[tuple[str, bytes]], path_of):
    from ..rules_engine import RuleBook, RuleFileError
    published = [(p.file_name, p.content.encode("utf-8")) for p in deps.store.published_rulesets()]
    try:
        return RuleBook.load(extra=published + extra)
    except RuleFileError as exc:
        raise _rule_file_error(path_of(exc.file), exc) from None


def _draft_pointer(file: str) -> str:
    """`…/draft-2.yaml` → `/files/1`; an error in a file already on record points at the drafts."""
    name = file.rsplit("/", 1)[-1]
    if name.startswith("draft-") and name[6:-5].isdigit():
        return f"/files/{int(name[6:-5]) - 1}"
    return "/files"


def list_rules(deps) -> dict:
    published = {(p.ruleset, p.version): p for p in deps.store.published_rulesets()}
    book = deps.engine.book
    rows = []
    for rs in sorted(book.rulesets, key=lambda r: (book.order.index(r.name), r.effective_from)):
        pub = published.get((rs.name, rs.version))
        rows.append({"ruleset": rs.name, "version": rs.version, "effective_from": rs.effective_from.isoformat(),
                     "effective_to": rs.effective_to.isoformat() if rs.effective_to else None,
                     "sha256": rs.sha256, "source": rs.source, "rules": len(rs.rules),
                     "origin": "published" if pub else "repository",
                     "author": pub.author if pub else None, "published_at": pub.published_at if pub else None})
    return {"evaluation_order": book.order, "rulesets": rows}


def _refuse_if_the_engines_differ(deps, book, ruleset) -> None:
    """Decisions run on the native functions; durable-rules, the engine of record, must agree on
    every edge of the new version before it is trusted with them (it never differed in the tests;
    this keeps a compiler bug from reaching a decision)."""
    found = deps.engine.with_book(book).disagreements(ruleset, limit=1)
    if found:
        raise BusinessRuleViolated.single(
            "/content", "engines_disagree",
            f"两套规则引擎对此版本的判断不一致（例如事实 {found[0]['facts']}），请联系技术团队，暂不发布",
            f"The two rule engines decide this version differently (e.g. on facts {found[0]['facts']}); "
            "it is not published: please tell the technical team")


def publish(deps, actor, ruleset_name: str, body) -> dict:
    if not isinstance(body, dict) or not isinstance(body.get("content"), str):
        raise ValidationFailed.single("/content", "required", "content 须为规则文件内容（YAML 文本）",
                                      "content must be the rule file (YAML text)")
    raw = body["content"].encode("utf-8")
    if len(raw) > MAX_DRAFT_BYTES:
        raise ValidationFailed.single("/content", "too_large", "规则文件过大", "The rule file is too large")
    existing = {(r.name, r.version) for r in deps.engine.book.rulesets}
    book = _book_with(deps, [("published-draft.yaml", raw)], lambda _file: "/content")
    mine = next(r for r in book.rulesets if r.path.endswith("published-draft.yaml"))
    if mine.name != ruleset_name:
        raise ValidationFailed.single("/content", "ruleset_mismatch",
                                      f"文件中的规则集为 {mine.name}，与地址中的 {ruleset_name} 不一致",
                                      f"The file is ruleset {mine.name}, not {ruleset_name} as the address says")
    if (mine.name, mine.version) in existing:
        raise Conflict.single("/content", "version_exists", f"{mine.name} 的版本 {mine.version} 已存在，请使用新版本号",
                              f"{mine.name} version {mine.version} exists already; publish under a new version")
    _refuse_if_the_engines_differ(deps, book, mine)
    published = PublishedRuleset(mine.name, mine.version, body["content"], hashlib.sha256(raw).hexdigest(),
                                 actor.label, now_iso(deps))
    entry = _store_with_history(deps, published)
    deps.refresh_rules()
    return {"ruleset": mine.name, "version": mine.version, "sha256": published.sha256,
            "effective_from": mine.effective_from.isoformat(),
            "effective_to": mine.effective_to.isoformat() if mine.effective_to else None,
            "author": published.author, "published_at": published.published_at,
            "before": entry.to_dict()["before"]}


def _store_with_history(deps, published: PublishedRuleset) -> RulesetPublication:
    """Store the version with the next entry of its ruleset's history; if another publication of
    the ruleset took that entry first, read the history again so `before` names what it put."""
    for _ in range(MAX_ATTEMPTS):
        history = deps.store.ruleset_history(published.ruleset)
        last = history[-1] if history else None
        entry = RulesetPublication(published.ruleset, (last.seq if last else 0) + 1, published.published_at,
                                   published.author, published.version, published.sha256,
                                   last.version if last else None, last.sha256 if last else None)
        try:
            deps.store.publish_ruleset(published, entry)
            return entry
        except VersionTaken:
            raise Conflict.single("/content", "version_exists",
                                  f"{published.ruleset} 的版本 {published.version} 已存在",
                                  f"{published.ruleset} version {published.version} exists already") from None
        except StaleVersion:
            continue
    raise Conflict.single("", "concurrent_update", "该规则集正被同时发布，请稍后重试",
                          "Someone else is publishing this ruleset; try again")


def ruleset_history(deps, ruleset_name: str) -> dict:
    """Every publication of a ruleset through the API, oldest first (read-only)."""
    if ruleset_name not in deps.engine.book.order:
        raise NotFound.single("", "not_found", f"规则集 {ruleset_name} 不存在", f"No ruleset {ruleset_name}")
    return {"ruleset": ruleset_name, "items": [e.to_dict() for e in deps.store.ruleset_history(ruleset_name)]}


def _outcome(decision: dict) -> dict:
    subsidy = decision.get("first_loan_subsidy") or {}
    return {**{k: decision.get(k) for k in COMPARED},
            "first_loan_subsidy": {k: subsidy.get(k) for k in COMPARED_SUBSIDY}}


def simulate(deps, body) -> dict:
    """Old outcome beside new for every stored application the draft would decide differently."""
    drafts = _draft_files(body)
    as_of = body.get("as_of")
    if as_of is not None:
        try:
            as_of = date.fromisoformat(as_of)
        except (TypeError, ValueError):
            raise ValidationFailed.single("/as_of", "format", "as_of 须为 YYYY-MM-DD 日期",
                                          "as_of must be a date as YYYY-MM-DD") from None
    book = _book_with(deps, drafts, _draft_pointer)
    current = deps.engine
    draft_engine = current.with_book(book)
    changes, checked = [], 0
    for app in deps.store.all_applications():
        checked += 1
        facts = app.decision.get("facts") or facts_from_application(app.form)
        on = as_of or date.fromisoformat(app.created_at[:10])
        before = _outcome(current.decide(facts, on) if as_of else app.decision)
        after = _outcome(draft_engine.decide(facts, on))
        if before != after:
            changes.append({"application_id": app.id, "as_of": on.isoformat(), "before": before, "after": after})
    drafted = [r for r in book.rulesets if r.path.rsplit("/", 1)[-1].startswith("draft-")]
    return {"checked": checked, "changed": len(changes), "changes": changes,
            "as_of": as_of.isoformat() if as_of else None,
            "drafts": [{"ruleset": r.name, "version": r.version, "sha256": r.sha256} for r in drafted]}


def replay(deps, app_id: str) -> dict:
    """Decide a stored application again with the exact ruleset versions its decision names."""
    app = deps.store.get(app_id)
    if app is None:
        raise not_found()
    recorded = app.decision.get("rules", [])
    known = {(r.name, r.version): r.sha256 for r in deps.engine.book.rulesets}
    missing = [r for r in recorded if known.get((r["ruleset"], r["version"])) != r["sha256"]]
    if missing:
        raise Conflict.single("", "rules_not_on_record", "该决定所用的规则版本已不在记录中，无法重放",
                              f"The rule versions this decision used are not on record: {missing}")
    facts = app.decision.get("facts") or facts_from_application(app.form)
    replayed = deps.engine.replay(facts, date.fromisoformat(app.created_at[:10]), recorded)
    return {"application_id": app.id, "same": _outcome(replayed) == _outcome(app.decision)
            and replayed["reasons"] == app.decision.get("reasons"),
            "stored": _outcome(app.decision), "replayed": _outcome(replayed), "rules": recorded}
