"""Policy staff's use cases: list rule versions, simulate a draft, propose and approve a version.

A draft is checked exactly as a published file is (file, line, plain reason), then run against
the stored applications without changing any of them. Changing live policy takes two people:
one proposes a version (`PUT /rules/{ruleset}`), which decides nothing, and a different policy
user approves it; it never takes effect before the day after its approval, so no past decision
is rewritten. Each step writes, in the same transaction, an entry of the ruleset's history (who,
when, the version before and after) that nothing can rewrite. The approver sees what the
version would change (`impact`): stored applications decided otherwise, reviews added or
dropped, more applications eligible.
"""
from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from ..domain.errors import BODY_NOT_AN_OBJECT, BusinessRuleViolated, Conflict, FieldError, NotFound, ValidationFailed
from ..domain.decision import Decision, thawed
from ..domain.facts import facts_from_application
from .applications import MAX_ATTEMPTS, not_found, now_iso, today
from .ports import PublishedRuleset, RuleProposal, RulesetPublication, StaleVersion, VersionTaken

MAX_DRAFT_BYTES = 200_000
COMPARED_SUBSIDY = ("eligible", "interest_subsidy_rate", "guarantee_fee_subsidy_rate_cap")


def _rule_file_error(path: str, exc) -> ValidationFailed:
    line = getattr(exc, "line", 0)
    message = getattr(exc, "message", str(exc))
    return ValidationFailed(FieldError(path, "rule_file", f"规则文件第 {line} 行：{message}",
                                       f"Rule file, line {line}: {message}", line=line or None))


def _draft_files(body) -> list[tuple[str, bytes]]:
    if not isinstance(body, dict):
        raise ValidationFailed(BODY_NOT_AN_OBJECT)
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
                     "author": pub.author if pub else None, "published_at": pub.published_at if pub else None,
                     "approved_by": pub.approved_by if pub else None})
    proposals = [{"ruleset": p.ruleset, "version": p.version, "sha256": p.sha256, "author": p.proposed_by,
                  "proposed_at": p.proposed_at}
                 for name in book.order for p in deps.store.rule_proposals(name) if p.status == "proposed"]
    return {"evaluation_order": book.order, "rulesets": rows, "proposals": proposals}


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


def _content(body) -> tuple[str, bytes]:
    if not isinstance(body, dict) or not isinstance(body.get("content"), str):
        raise ValidationFailed.single("/content", "required", "content 须为规则文件内容（YAML 文本）",
                                      "content must be the rule file (YAML text)")
    raw = body["content"].encode("utf-8")
    if len(raw) > MAX_DRAFT_BYTES:
        raise ValidationFailed.single("/content", "too_large", "规则文件过大", "The rule file is too large")
    return body["content"], raw


def _checked_version(deps, ruleset_name: str, raw: bytes, on: date):
    """The rule book with this file added, and its ruleset: checked as a published file is, for the
    ruleset the address names, a version not on record, taking effect after `on`, and decided
    alike by both engines."""
    existing = {(r.name, r.version) for r in deps.engine.book.rulesets}
    book = _book_with(deps, [("proposed-version.yaml", raw)], lambda _file: "/content")
    mine = next(r for r in book.rulesets if r.path.endswith("proposed-version.yaml"))
    if mine.name != ruleset_name:
        raise ValidationFailed.single("/content", "ruleset_mismatch",
                                      f"文件中的规则集为 {mine.name}，与地址中的 {ruleset_name} 不一致",
                                      f"The file is ruleset {mine.name}, not {ruleset_name} as the address says")
    if (mine.name, mine.version) in existing:
        raise _version_exists(mine.name, mine.version)
    if mine.effective_from <= on:
        raise BusinessRuleViolated.single(
            "/content", "effective_too_soon",
            f"新版本最早于审批通过的次日生效：effective_from（{mine.effective_from}）须晚于 {on}",
            f"A version takes effect on the day after its approval at the earliest: effective_from "
            f"({mine.effective_from}) must be after {on}")
    _refuse_if_the_engines_differ(deps, book, mine)
    return book, mine


def _version_exists(name: str, version: str) -> Conflict:
    return Conflict.single("/content", "version_exists", f"{name} 的版本 {version} 已存在，请使用新版本号",
                           f"{name} version {version} exists already; use a new version number")


def propose(deps, actor, ruleset_name: str, body) -> dict:
    """A new version, on record and visible to every policy user, deciding nothing until approved."""
    content, raw = _content(body)
    book, mine = _checked_version(deps, ruleset_name, raw, today(deps))
    if any(p.version == mine.version for p in deps.store.rule_proposals(ruleset_name)):
        raise _version_exists(mine.name, mine.version)
    proposal = RuleProposal(mine.name, mine.version, content, hashlib.sha256(raw).hexdigest(), actor.label,
                            now_iso(deps))
    try:
        entry = _append_history(deps, mine.name, "proposed", proposal.proposed_at, actor.label, proposal.version,
                                proposal.sha256, lambda e: deps.store.propose_ruleset(proposal, e))
    except VersionTaken:
        raise _version_exists(mine.name, mine.version) from None
    return _proposal_view(proposal, mine) | {"before": entry.to_dict()["before"],
                                             "impact": impact(deps, book, mine)}


def approve(deps, actor, ruleset_name: str, version: str) -> dict:
    """A different policy user puts a proposed version in force (from its effective_from, which
    must still be after today)."""
    proposal = next((p for p in deps.store.rule_proposals(ruleset_name) if p.version == version), None)
    if proposal is None:
        raise NotFound.single("", "not_found", f"{ruleset_name} 没有待审批的版本 {version}",
                              f"{ruleset_name} has no proposed version {version}")
    if proposal.status != "proposed":
        raise Conflict.single("", "already_approved", "该版本已审批生效", "This version was approved already")
    if proposal.proposed_by == actor.label:
        raise BusinessRuleViolated.single("", "same_person", "提出修改的人员不能自行审批，须由另一位政策人员审批",
                                          "A version is approved by a policy user other than the one who proposed it")
    book, mine = _checked_version(deps, ruleset_name, proposal.content.encode("utf-8"), today(deps))
    published = PublishedRuleset(mine.name, mine.version, proposal.content, proposal.sha256, proposal.proposed_by,
                                 now_iso(deps), actor.label)
    try:
        entry = _append_history(deps, mine.name, "approved", published.published_at, actor.label, mine.version,
                                published.sha256, lambda e: deps.store.approve_ruleset(proposal, published, e),
                                before_from=deps.store.published_rulesets)
    except VersionTaken:
        raise Conflict.single("", "already_approved", "该版本已审批生效", "This version was approved already") from None
    deps.refresh_rules()
    return _proposal_view(proposal, mine) | {
        "status": "approved", "approved_by": actor.label, "published_at": published.published_at,
        "before": entry.to_dict()["before"]}


def version_detail(deps, ruleset_name: str, version: str) -> dict:
    """A proposed or approved version and, while proposed, what it would change (for the approver)."""
    proposal = next((p for p in deps.store.rule_proposals(ruleset_name) if p.version == version), None)
    if proposal is None:
        return _version_on_record(deps, ruleset_name, version)
    book = _book_with(deps, [("proposed-version.yaml", proposal.content.encode("utf-8"))], lambda _file: "")
    mine = next(r for r in book.rulesets if r.path.endswith("proposed-version.yaml"))
    view = _proposal_view(proposal, mine) | {"content": proposal.content}
    if proposal.status == "proposed":
        view["impact"] = impact(deps, book, mine)
    return view


def _version_on_record(deps, ruleset_name: str, version: str) -> dict:
    """A version in the rule book that was never proposed through the API (a repository file) or
    whose proposal is gone from the store: its text, so an editor can start a draft from it."""
    mine = next((r for r in deps.engine.book.rulesets if (r.name, r.version) == (ruleset_name, version)), None)
    if mine is None:
        raise NotFound.single("", "not_found", f"{ruleset_name} 没有版本 {version}",
                              f"{ruleset_name} has no version {version}")
    published = next((p for p in deps.store.published_rulesets() if (p.ruleset, p.version) == (mine.name, version)),
                     None)
    content = published.content if published else Path(mine.path).read_text(encoding="utf-8")
    return {"ruleset": mine.name, "version": mine.version, "sha256": mine.sha256,
            "status": "approved" if published else "repository", "effective_from": mine.effective_from.isoformat(),
            "effective_to": mine.effective_to.isoformat() if mine.effective_to else None,
            "author": published.author if published else None, "proposed_at": None,
            "approved_by": published.approved_by if published else None,
            "approved_at": published.published_at if published else None, "content": content}


def _proposal_view(proposal: RuleProposal, ruleset) -> dict:
    return {"ruleset": proposal.ruleset, "version": proposal.version, "sha256": proposal.sha256,
            "status": proposal.status, "effective_from": ruleset.effective_from.isoformat(),
            "effective_to": ruleset.effective_to.isoformat() if ruleset.effective_to else None,
            "author": proposal.proposed_by, "proposed_at": proposal.proposed_at,
            "approved_by": proposal.approved_by, "approved_at": proposal.approved_at}


def _append_history(deps, ruleset: str, action: str, at: str, actor: str, version: str, sha256: str, write,
                    before_from=None) -> RulesetPublication:
    """Write `write(entry)` with the next entry of the ruleset's history; if another step of the
    ruleset took that entry first, read the history again. `before` names the version in force
    before (the last approved one), whatever step this is."""
    for _ in range(MAX_ATTEMPTS):
        history = deps.store.ruleset_history(ruleset)
        last = next((e for e in reversed(history) if e.action in ("approved", "published")), None)
        entry = RulesetPublication(ruleset, (history[-1].seq if history else 0) + 1, at, actor, version, sha256,
                                   last.version if last else None, last.sha256 if last else None, action)
        try:
            write(entry)
            return entry
        except StaleVersion:
            continue
    raise Conflict.single("", "concurrent_update", "该规则集正被同时修改，请稍后重试",
                          "Someone else is changing this ruleset; try again")


def impact(deps, book, draft) -> dict:
    """What the draft version would change from its first day: every stored application decided
    otherwise, and for each loan scenario's example application the reviews it needs and whether
    it is eligible, before and after. Plain-language warnings when reviews change or more
    applications become eligible (a dropped review sends applications straight to the banks)."""
    on = draft.effective_from
    current, proposed = deps.engine, deps.engine.with_book(book)
    changes, checked, more_eligible = [], 0, 0
    for app in deps.store.all_applications():
        checked += 1
        facts = thawed(app.decision.facts) or facts_from_application(app.form)
        before, after = _outcome(current.decide(facts, on)), _outcome(proposed.decide(facts, on))
        if before != after:
            changes.append({"application_id": app.id, "before": before, "after": after})
            more_eligible += bool(after["eligible"] and not before["eligible"])
    scenarios = []
    for scenario in deps.forms.scenario_ids():
        facts = facts_from_application(deps.forms.example(scenario))
        before, after = current.decide(facts, on), proposed.decide(facts, on)
        scenarios.append({"scenario": scenario,
                          "required_reviews": {"before": list(before.required_reviews),
                                               "after": list(after.required_reviews)},
                          "eligible": {"before": before.eligible, "after": after.eligible}})
    warnings = []
    moved = [s["scenario"] for s in scenarios if s["required_reviews"]["before"] != s["required_reviews"]["after"]]
    moved += sorted({c["application_id"] for c in changes
                     if c["before"]["required_reviews"] != c["after"]["required_reviews"]} - set(moved))
    if moved:
        warnings.append({"code": "reviews_changed",
                         "zh": f"此版本改变了所需的部门审核（{'、'.join(moved[:10])}），审核被取消的申请将直接推送至银行",
                         "en": f"This version changes which agency reviews are required ({', '.join(moved[:10])}); "
                               "applications that lose a review go straight to the banks"})
    newly = more_eligible + sum(1 for s in scenarios if s["eligible"]["after"] and not s["eligible"]["before"])
    if newly:
        warnings.append({"code": "more_eligible",
                         "zh": f"此版本使更多申请符合条件（已存申请 {more_eligible} 件）",
                         "en": f"This version makes more applications eligible ({more_eligible} stored)"})
    return {"as_of": on.isoformat(), "checked": checked, "changed": len(changes), "changes": changes,
            "more_eligible": more_eligible, "scenarios": scenarios, "warnings": warnings}


def ruleset_history(deps, ruleset_name: str) -> dict:
    """Every publication of a ruleset through the API, oldest first (read-only)."""
    if ruleset_name not in deps.engine.book.order:
        raise NotFound.single("", "not_found", f"规则集 {ruleset_name} 不存在", f"No ruleset {ruleset_name}")
    return {"ruleset": ruleset_name, "items": [e.to_dict() for e in deps.store.ruleset_history(ruleset_name)]}


def _outcome(decision: Decision) -> dict:
    """The parts of a decision a rules change is judged by, as JSON."""
    subsidy = decision.first_loan_subsidy
    return {"eligible": decision.eligible, "enterprise_size": decision.enterprise_size,
            "required_reviews": list(decision.required_reviews),
            "required_materials": list(decision.required_materials),
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
        facts = thawed(app.decision.facts) or facts_from_application(app.form)
        on = as_of or date.fromisoformat(app.created_at[:10])
        before = _outcome(current.decide(facts, on) if as_of else app.decision)
        after = _outcome(draft_engine.decide(facts, on))
        if before != after:
            changes.append({"application_id": app.id, "as_of": on.isoformat(), "before": before, "after": after})
    drafted = [r for r in book.rulesets if r.path.rsplit("/", 1)[-1].startswith("draft-")]
    out = {"checked": checked, "changed": len(changes), "changes": changes,
           "as_of": as_of.isoformat() if as_of else None,
           "drafts": [{"ruleset": r.name, "version": r.version, "sha256": r.sha256} for r in drafted],
           "cases": draft_cases(draft_engine, {r.name for r in drafted})}
    if len(drafted) == 1:   # one version, as it would be proposed: what its approver would be shown
        out["impact"] = impact(deps, book, drafted[0])
    return out


def draft_cases(engine, rulesets: set[str]) -> list[dict]:
    """The test cases written beside the rules (`rules/tests/`, as `make rules-check` runs them)
    for the drafted rulesets, run with the draft in the book: a draft that changes a decision
    a case pins down shows which clause it now contradicts."""
    from ..rules_engine.cases import load_cases, run_case
    out = []
    for case in load_cases(engine.book.directory):
        if case.ruleset in rulesets:
            problems = run_case(engine, case)
            out.append({"ruleset": case.ruleset, "case": case.name, "cites": case.cites, "where": case.where,
                        "as_of": case.as_of.isoformat(), "passed": not problems, "problems": problems})
    return out


def replay(deps, app_id: str) -> dict:
    """Decide a stored application again with the exact ruleset versions its decision names."""
    app = deps.store.get(app_id)
    if app is None:
        raise not_found()
    recorded = [dict(r) for r in app.decision.rules]
    known = {(r.name, r.version): r.sha256 for r in deps.engine.book.rulesets}
    missing = [r for r in recorded if known.get((r["ruleset"], r["version"])) != r["sha256"]]
    if missing:
        raise Conflict.single("", "rules_not_on_record", "该决定所用的规则版本已不在记录中，无法重放",
                              f"The rule versions this decision used are not on record: {missing}")
    facts = thawed(app.decision.facts) or facts_from_application(app.form)
    replayed = deps.engine.replay(facts, date.fromisoformat(app.created_at[:10]), recorded)
    return {"application_id": app.id, "same": _outcome(replayed) == _outcome(app.decision)
            and replayed.reasons == app.decision.reasons,
            "stored": _outcome(app.decision), "replayed": _outcome(replayed), "rules": recorded}
