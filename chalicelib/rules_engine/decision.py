"""The rule book (every ruleset version on file) and the decision it gives for one application.

Rulesets run in the order `rulebook.yaml` gives; each one's outcomes become facts for the next
(enterprise size feeds eligibility and the subsidy). The decision names every ruleset version it
used with the hash of its file, and every rule that fired, so it can be explained and replayed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .engine import CompiledRuleset, RulesHost, version_in_force
from .catalogs import load_facts, load_order, load_outcomes
from .consistency import check_versions, find_conflicts
from .loader import CATALOG_FILES, RuleFileError, RulesetParser, read_yaml
from .model import RulesetFile

SIZE, ELIGIBILITY, SUBSIDY, REVIEWS = "enterprise_size", "eligibility", "first_loan_subsidy", "required_reviews"


@dataclass
class RuleBook:
    facts: dict
    outcomes: dict
    order: list[str]
    rulesets: list[RulesetFile]
    directory: Path

    @classmethod
    def load(cls, directory: Path | None = None, extra: list[tuple[str, bytes]] | None = None) -> "RuleBook":
        """Every ruleset file under `directory`, then `extra` (published versions, drafts).

        An extra file with the same ruleset and version as an earlier one replaces it: that is how
        a draft is simulated against the version it edits."""
        from ..datafiles import data_dir
        directory = Path(directory or data_dir("rules"))
        facts, outcomes = load_facts(directory), load_outcomes(directory)
        order = load_order(directory, facts, outcomes)
        sources = [(p.name, p.read_bytes()) for p in sorted(directory.glob("*.yaml")) if p.name not in CATALOG_FILES]
        by_version: dict[tuple[str, str], RulesetFile] = {}
        for name, raw in sources + list(extra or []):
            ruleset = parse_ruleset(directory / name, raw, facts, outcomes, order)
            by_version[(ruleset.name, ruleset.version)] = ruleset
        files = close_open_ends(list(by_version.values()))
        check_versions(files)
        return cls(facts, outcomes, order, files, directory)

    def versions(self, name: str) -> list[RulesetFile]:
        return sorted((f for f in self.rulesets if f.name == name), key=lambda f: f.effective_from)


def close_open_ends(files: list[RulesetFile]) -> list[RulesetFile]:
    """An open-ended version ends the day before a later version of the same ruleset starts.

    That is how a new version takes over (2023.1 runs until 2027.1 begins) without editing the
    file of the old one, which stays on record for replaying the decisions it made."""
    import dataclasses
    from datetime import timedelta
    out = []
    for f in files:
        later = [g.effective_from for g in files if g.name == f.name and g.effective_from > f.effective_from]
        if f.effective_to is None and later:
            f = dataclasses.replace(f, effective_to=min(later) - timedelta(days=1))
        out.append(f)
    return out


def parse_ruleset(path: Path, raw: bytes, facts: dict, outcomes: dict, order: list[str]) -> RulesetFile:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RuleFileError(path, 1, "the file is not UTF-8 text") from None
    ruleset = RulesetParser(path, facts, outcomes).parse(read_yaml(path, text), raw)
    if ruleset.name not in order:
        raise RuleFileError(path, 1, f"ruleset {ruleset.name!r} is not in rulebook.yaml's evaluation_order {order}")
    find_conflicts(ruleset, facts)
    return ruleset


class DecisionEngine:
    """Compiles every ruleset version once; `decide` is then safe to call from any thread."""

    def __init__(self, book: RuleBook, host: RulesHost | None = None, compiled: dict | None = None):
        self.book = book
        self.host = host or RulesHost()
        known = compiled or {}
        # Content-addressed: a ruleset version compiles once per host, whichever book uses it.
        self._compiled = {f.key: known.get(f.key) if known.get(f.key) and known[f.key].ruleset.sha256 == f.sha256
                          else CompiledRuleset(f, self.host) for f in book.rulesets}

    def with_book(self, book: RuleBook) -> "DecisionEngine":
        """An engine for another book (a draft, a newly published version), sharing this host."""
        return DecisionEngine(book, self.host, self._compiled)

    def compiled_for(self, name: str, as_of: date, versions: dict | None = None) -> CompiledRuleset | None:
        """The version in force on `as_of`, or the one `versions` names (to replay a decision)."""
        if versions is not None:
            return self._compiled.get(f"{name}@{versions[name]}") if name in versions else None
        version = version_in_force(self.book.versions(name), as_of)
        return self._compiled[version.key] if version else None

    def evaluate(self, name: str, facts: dict, as_of: date) -> tuple[dict, list[str]]:
        compiled = self.compiled_for(name, as_of)
        if compiled is None:
            return {}, []
        return compiled.outcomes(facts)

    def run_all(self, facts: dict, as_of: date, versions: dict | None = None):
        """Every ruleset in order; returns the facts enriched with all outcomes, and what fired."""
        known = dict(facts)
        trace = []
        for name in self.book.order:
            compiled = self.compiled_for(name, as_of, versions)
            if compiled is None:
                continue
            outcomes, fired = compiled.outcomes(known)
            known.update(outcomes)
            trace.append((compiled.ruleset, fired))
        return known, trace

    def decide(self, facts: dict, as_of: date, versions: dict | None = None) -> dict:
        known, trace = self.run_all(facts, as_of, versions)
        return build_decision(known, trace, self)

    def replay(self, facts: dict, as_of: date, recorded: list[dict]) -> dict:
        """Decide again with exactly the ruleset versions a stored decision names."""
        return self.decide(facts, as_of, {r["ruleset"]: r["version"] for r in recorded})


def _reason(ruleset: RulesetFile, rule_id: str) -> dict:
    rule = next(r for r in ruleset.rules if r.id == rule_id)
    source = ruleset.source
    return {"rule": rule_id, "zh": rule.reason_zh, "en": rule.reason_en,
            "source": f"{source.get('title')} {source.get('number')} {source.get('clause', '')}".strip()}


def build_decision(known: dict, trace, engine: DecisionEngine) -> dict:
    reasons, ineligible = [], []
    for ruleset, fired in trace:
        for rule_id in fired:
            reason = _reason(ruleset, rule_id)
            reasons.append(reason)
            rule = next(r for r in ruleset.rules if r.id == rule_id)
            if ruleset.name == ELIGIBILITY and rule.then.get("eligible") is False:
                ineligible.append(reason)
    subsidy_eligible = bool(known.get("first_loan_subsidy_eligible"))
    reviews = known.get("review") or []
    subsidy = {
        "eligible": subsidy_eligible,
        "interest_subsidy_rate": known.get("interest_subsidy_rate") if subsidy_eligible else None,
        "guarantee_fee_subsidy_rate_cap": known.get("guarantee_fee_subsidy_rate_cap") if subsidy_eligible else None,
        "subsidy_amount_cap": known.get("subsidy_amount_cap") if subsidy_eligible else None,
    }
    if not subsidy_eligible:
        subsidy["why_not"] = explain_miss(engine, trace, known)
    return {
        "eligible": known.get("eligible", True) is not False,
        "enterprise_size": known.get("enterprise_size"),
        "first_loan_subsidy": subsidy,
        "required_reviews": [r["agency"] for r in reviews],
        "review_deadlines": {r["agency"]: r["working_days"] for r in reviews},
        "ineligible_reasons": ineligible,
        "reasons": reasons,
        "rules": [{"ruleset": rs.name, "version": rs.version, "sha256": rs.sha256} for rs, _ in trace],
    }


def describe_for_people(leaf, catalog: dict, facts: dict | None = None) -> tuple[str, str]:
    """`registered_in_beijing equals True` → 「在京注册：须为“是”」 / "Registered in Beijing must be yes"."""
    if leaf.fact is None:
        return leaf.describe()
    label = catalog.get(leaf.fact, {})
    zh_name, en_name = label.get("zh", leaf.fact), label.get("en", leaf.fact)
    if facts is not None and leaf.op != "exists" and facts.get(leaf.fact) is None:
        return f"{zh_name}尚未提供或未查询到", f"{en_name} is not known (not provided or not looked up)"

    def show(value, zh: bool):
        if isinstance(value, bool):
            return ("是" if value else "否") if zh else ("yes" if value else "no")
        if isinstance(value, (list, tuple)):
            return ("、" if zh else ", ").join(str(v) for v in value)
        return str(value)
    op_zh = {"equals": "须为", "not_equals": "不能为", "gte": "须不少于", "gt": "须大于", "lte": "须不超过",
             "lt": "须小于", "in": "须为以下之一：", "not_in": "不能为以下之一：", "starts_with_any": "须以下列代码开头：",
             "not_starts_with_any": "不能以下列代码开头：", "between": "须介于"}.get(leaf.op)
    op_en = {"equals": "must be", "not_equals": "must not be", "gte": "must be at least", "gt": "must be more than",
             "lte": "must be at most", "lt": "must be less than", "in": "must be one of", "not_in": "must not be one of",
             "starts_with_any": "must start with one of", "not_starts_with_any": "must not start with any of",
             "between": "must be between"}.get(leaf.op)
    if leaf.op == "exists":
        return (f"{zh_name}须{'已' if leaf.value else '未'}提供", f"{en_name} must {'' if leaf.value else 'not '}be known")
    if op_zh is None:
        return leaf.describe()
    return f"{zh_name}{op_zh}{show(leaf.value, True)}", f"{en_name} {op_en} {show(leaf.value, False)}"


def explain_miss(engine: DecisionEngine, trace, known: dict) -> dict | None:
    """The granting rule closest to firing, and the first condition it failed on."""
    subsidy = next((rs for rs, _ in trace if rs.name == SUBSIDY), None)
    if subsidy is None:
        return {"rule": None, "zh": "该日期没有有效的首贷贴息政策", "en": "No first-loan subsidy policy was in force on that date"}
    facts = subsidy.derived(known)
    best = None
    for rule in subsidy.rules:
        if not rule.then.get("first_loan_subsidy_eligible"):
            continue
        parts = rule.when.parts if rule.when.op == "all" else (rule.when,)
        failing = [p for p in parts if not p.holds(facts)]
        if failing and (best is None or len(failing) < len(best[1])):
            best = (rule, failing)
    if best is None:
        return None
    rule, failing = best
    leaf = failing[0].first_failure(facts) or failing[0]
    zh, en = describe_for_people(leaf, engine.book.facts, facts)
    return {"rule": rule.id, "condition": {"fact": leaf.fact, "op": leaf.op,
                                           "value": list(leaf.value) if isinstance(leaf.value, tuple) else leaf.value},
            "failed_conditions": len(failing),
            "zh": f"未获首贷贴息：{zh}。最接近的规则为 {rule.id}（{rule.reason_zh}）",
            "en": f"No first-loan subsidy: {en}. Nearest rule: {rule.id} ({rule.reason_en})"}
