"""The rule book (every ruleset version on file) and the decision it gives for one application.

Rulesets run in the order `rulebook.yaml` gives; each one's outcomes become facts for the next
(enterprise size feeds eligibility and the subsidy). The decision names every ruleset version it
used with the hash of its file, and every rule that fired, so it can be explained and replayed.
"""
from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, NamedTuple

from ..domain.decision import Decision, frozen

from ..domain.errors import BusinessRuleViolated, FieldError
from .engine import CompiledRuleset, RulesHost, version_in_force
from .native import NativeRuleset, run_in_order
from .source import top_conditions
from .probes import probe_facts
from .catalogs import load_facts, load_may_lapse, load_order, load_outcomes
from .consistency import check_versions, find_conflicts
from .loader import CATALOG_FILES, RuleFileError, RulesetParser, read_yaml
from .model import OP_TEXT, RulesetFile

ELIGIBILITY, SUBSIDY, REVIEWS = "eligibility", "first_loan_subsidy", "required_reviews"
MATERIAL = "required_material"     # the outcome naming a kind of material to upload (one per rule)
IP_SUBSIDY = "ip_pledge_subsidy"   # the outcome listing the IP-pledge interest subsidies (assumed parameters)
GRANTS_SUBSIDY = "first_loan_subsidy_eligible"   # the outcome whose near misses a decision explains
CROSSCHECK_EVERY = 1000   # one live decision in this many is also decided by durable-rules
log = logging.getLogger(__name__)


@dataclass
class RuleBook:
    facts: dict
    outcomes: dict
    order: list[str]
    rulesets: list[RulesetFile]
    directory: Path
    may_lapse: frozenset = frozenset()   # rulesets a decision may do without (rulebook.yaml)

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
        return cls(facts, outcomes, order, files, directory, load_may_lapse(directory, order))

    def versions(self, name: str) -> list[RulesetFile]:
        return sorted((f for f in self.rulesets if f.name == name), key=lambda f: f.effective_from)

    @cached_property
    def material_kinds(self) -> Mapping:
        """kind → {kind, zh, en}: the kinds an enterprise may upload, named as outcomes.yaml names them."""
        labels = self.outcomes[MATERIAL]["labels"]
        return MappingProxyType({kind: frozen({"kind": kind, "zh": labels[kind]["zh"], "en": labels[kind]["en"]})
                                 for kind in self.outcomes[MATERIAL]["values"]})


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
    """Every ruleset version compiled once, to Python (the request path) and to durable-rules.

    `decide` runs the native functions (native.py): microseconds per ruleset. durable-rules stays
    the engine of record: `replay` runs on it, `disagreements` puts both engines through probes
    of every threshold before a version is trusted (rules-check, publishing, the tests), and one
    live decision in `crosscheck_every` is decided by both; if they ever differ, durable-rules'
    answer is the one given, and the difference is logged as an error. Safe from any thread.
    """

    def __init__(self, book: RuleBook, host: RulesHost | None = None, compiled: dict | None = None,
                 crosscheck_every: int = CROSSCHECK_EVERY, native: dict | None = None):
        self.book = book
        self._host = host
        self.crosscheck_every = crosscheck_every
        self._count = itertools.count(1)
        self.disagreements_seen = 0
        # Content-addressed: a version compiles once per engine family, whichever book uses it.
        compiled, native = compiled or {}, native or {}
        self._durable = {f.key: compiled[f.key] for f in book.rulesets if _same_version(compiled, f)}
        self._native = {f.key: native[f.key] if _same_version(native, f) else NativeRuleset(f)
                        for f in book.rulesets}
        self.said = {f.key: said_by(f) for f in book.rulesets}   # each version's `said_by`
        # The facts a decision reads besides its trace: who borrows (the loan terms name them) and
        # those an outcome is filled from ("purchaser:{purchasing_unit_id}").
        self._key_facts = ("borrower", *sorted(set().union(*(f.template_facts for f in book.rulesets))))
        self._plans: dict[date, tuple[NativeRuleset, ...]] = {}
        # The same few decisions recur: each is made once per engine and shared (`decision_for`).
        self._decided: dict[tuple, Decision] = {}
        self._missing: dict[date, tuple[str, ...]] = {}
        self._durable_lock = threading.Lock()

    @property
    def host(self) -> RulesHost:
        """durable-rules, started on first use: a cold start that only decides never pays for it."""
        with self._durable_lock:
            if self._host is None:
                self._host = RulesHost()
            return self._host

    def with_book(self, book: RuleBook) -> "DecisionEngine":
        """An engine for another book (a draft, a newly published version), sharing this host."""
        return DecisionEngine(book, self.host, self._durable, self.crosscheck_every, self._native)

    def _durable_of(self, ruleset: RulesetFile) -> CompiledRuleset:
        compiled = self._durable.get(ruleset.key)
        if compiled is None:
            host = self.host
            with self._durable_lock:
                compiled = self._durable.get(ruleset.key) or CompiledRuleset(ruleset, host)
                self._durable[ruleset.key] = compiled
        return compiled

    def _version(self, name: str, as_of: date, versions: dict | None) -> RulesetFile | None:
        if versions is not None:
            native = self._native.get(f"{name}@{versions[name]}") if name in versions else None
            return native.ruleset if native else None
        return version_in_force(self.book.versions(name), as_of)

    def compiled_for(self, name: str, as_of: date, versions: dict | None = None, durable: bool = False):
        """The version in force on `as_of`, or the one `versions` names (to replay a decision)."""
        version = self._version(name, as_of, versions)
        if version is None:
            return None
        return self._durable_of(version) if durable else self._native[version.key]

    def native(self, ruleset: RulesetFile) -> NativeRuleset:
        return self._native[ruleset.key]

    def _in_order(self, as_of: date, versions: dict | None = None, durable: bool = False) -> tuple:
        """The compiled rulesets a decision on `as_of` runs, in the rule book's evaluation order."""
        return tuple(c for c in (self.compiled_for(n, as_of, versions, durable) for n in self.book.order) if c)

    def _plan(self, as_of: date) -> tuple[NativeRuleset, ...]:
        """The native rulesets in force on a date, in evaluation order (a handful of dates recur)."""
        plan = self._plans.get(as_of)
        if plan is None:
            plan = self._in_order(as_of)
            if len(self._plans) > 256:
                self._plans.clear()
            self._plans[as_of] = plan
        return plan

    def evaluate(self, name: str, facts: dict, as_of: date, durable: bool = False) -> tuple[dict, list[str]]:
        compiled = self.compiled_for(name, as_of, durable=durable)
        if compiled is None:
            return {}, []
        return compiled.outcomes(with_application_date(facts, as_of))

    def run_all(self, facts: dict, as_of: date, versions: dict | None = None, durable: bool = False):
        """Every ruleset in order; returns the facts enriched with all outcomes, and what fired."""
        facts = with_application_date(facts, as_of)
        if versions is None and not durable:
            return run_in_order(self._plan(as_of), facts)
        return run_in_order(self._in_order(as_of, versions, durable), facts)

    def decision_for(self, known: dict, trace) -> Decision:
        """The decision for one run of the rules (`run_all`), made once per engine for each
        distinct decision and shared, since a decision is a value.

        What a decision says depends on the facts only through which rules fired (`trace`: the
        outcomes, reasons and versions), the shape of a missed subsidy (`miss_shape`), who
        borrows (the loan terms name them) and the facts an outcome is filled from
        ("purchaser:{purchasing_unit_id}")."""
        miss = None if known.get(GRANTS_SUBSIDY) else miss_shape(self, trace, known)
        key = (trace, miss, *map(known.get, self._key_facts))
        found = self._decided.get(key)
        if found is None:
            if len(self._decided) > 4096:
                self._decided.clear()
            found = self._decided[key] = make_decision(known, trace, miss, self)
        return found

    def missing_on(self, as_of: date) -> tuple[str, ...]:
        """The rulesets a decision needs that have no version in force on `as_of` (none: it may
        decide). Before the rules' first date a decision would otherwise be a default yes."""
        missing = self._missing.get(as_of)
        if missing is None:
            missing = tuple(n for n in self.book.order
                            if n not in self.book.may_lapse and self._version(n, as_of, None) is None)
            if len(self._missing) > 256:
                self._missing.clear()
            self._missing[as_of] = missing
        return missing

    def decide(self, facts: dict, as_of: date, versions: dict | None = None) -> Decision:
        """The decision on `as_of` (or with the `versions` a stored decision names); NoRulesInForce
        when a ruleset it needs has no version in force on that date."""
        if versions is None and self.missing_on(as_of):
            raise NoRulesInForce(as_of, self.missing_on(as_of))
        known, trace = self.run_all(facts, as_of, versions)
        if self.crosscheck_every and next(self._count) % self.crosscheck_every == 0:
            known, trace = self._crosschecked(facts, as_of, versions, (known, trace))
        return self.decision_for(known, trace)

    def _crosschecked(self, facts: dict, as_of: date, versions: dict | None, native):
        of_record = self.run_all(facts, as_of, versions, durable=True)
        if _answer(of_record) != _answer(native):
            self.disagreements_seen += 1
            log.error("rules_engines_disagree", extra={"as_of": as_of.isoformat(), "durable": _answer(of_record),
                                                        "native": _answer(native)})
        return of_record

    def replay(self, facts: dict, as_of: date, recorded) -> Decision:
        """Decide again on durable-rules with exactly the ruleset versions a stored decision names."""
        versions = {r["ruleset"]: r["version"] for r in recorded}
        return self.decision_for(*self.run_all(facts, as_of, versions, durable=True))

    def disagreements(self, ruleset: RulesetFile, extra_facts: list[dict] = (), limit: int = 10) -> list[dict]:
        """Probe facts on which the native function and durable-rules answer this version differently."""
        native, durable = self._native[ruleset.key], self._durable_of(ruleset)
        found = []
        for facts in [*extra_facts, *probe_facts(ruleset)]:
            ours, theirs = native.outcomes(facts), durable.outcomes(facts)
            if ours != theirs:
                found.append({"facts": facts, "native": ours, "durable": theirs})
                if len(found) >= limit:
                    break
        return found


class NoRulesInForce(BusinessRuleViolated):
    """No decision on a date no version of a needed ruleset covers (e.g. before the platform's
    rules begin): a default would say `eligible: true` with no reviews."""

    def __init__(self, as_of: date, missing: tuple[str, ...]):
        self.as_of, self.missing = as_of, missing
        super().__init__(FieldError(
            "", "no_rules_in_force",
            f"该日期（{as_of.isoformat()}）没有有效的规则，无法作出决定（缺少：{'、'.join(missing)}）",
            f"No rules in force for this date ({as_of.isoformat()}): no decision can be given "
            f"(missing: {', '.join(missing)})"))


STANDS_IN_FOR_TODAY = ("loan_contract_year", "loan_disbursement_year")
_BOTH_DATES = frozenset(STANDS_IN_FOR_TODAY)


def with_application_date(facts: dict, as_of: date) -> dict:
    """A loan date the form does not give is taken to be the application date (the loan is signed
    and paid out from now on), so the subsidy's loan-date window tests the year decided for."""
    if facts.keys() >= _BOTH_DATES:
        return facts
    return {**{name: as_of.year for name in STANDS_IN_FOR_TODAY}, **facts}


def _same_version(cache: dict, ruleset: RulesetFile) -> bool:
    found = cache.get(ruleset.key)
    return found is not None and found.ruleset.sha256 == ruleset.sha256


def _answer(run) -> tuple:
    known, trace = run
    return tuple(sorted((k, repr(v)) for k, v in known.items())), tuple((rs.key, tuple(f)) for rs, f in trace)


class Shown(NamedTuple):
    """What a trace shows: the fired rules' reasons, those that refuse, the versions used."""
    reasons: tuple
    refusing: tuple
    used: tuple
    review_sources: tuple = ()   # the source of each review rule that fired, in the order of its review
    ip_sources: tuple = ()       # ({source, note}) of each IP-pledge subsidy rule that fired, in order


class Said(NamedTuple):
    """What one rule shows when it fires, worked out once per version (`said_by`) rather than
    from its `then` each time a decision is explained."""
    reason: Mapping                 # as `reasons_of` words it
    refuses: bool                   # an eligibility rule setting `eligible` false
    review_source: str | None       # a review rule's source
    ip_source: Mapping | None       # an IP-pledge subsidy rule's {source, note}


def explained(trace, said: dict) -> Shown:
    """What a trace shows (the reasons of the rules that fired, those refusing, the versions);
    `said` holds each version's `said_by`."""
    shown, refusing, review_sources, ip_sources = [], [], [], []
    for ruleset, fired in trace:
        by_rule = said[ruleset.key]
        for rule_id in fired:
            reason, refuses, review_source, ip_source = by_rule[rule_id]
            shown.append(reason)
            if refuses:
                refusing.append(reason)
            if review_source is not None:
                review_sources.append(review_source)
            if ip_source is not None:
                ip_sources.append(ip_source)
    return Shown(tuple(shown), tuple(refusing), tuple([rs.cited for rs, _ in trace]), tuple(review_sources),
                 tuple(ip_sources))


def said_by(ruleset: RulesetFile) -> dict[str, Said]:
    """What each rule of a version shows when it fires."""
    reasons = reasons_of(ruleset)
    out = {}
    for rule in ruleset.rules:
        reason, then = reasons[rule.id], rule.then
        out[rule.id] = Said(
            reason,
            ruleset.name == ELIGIBILITY and then.get("eligible") is False,
            reason["source"] if ruleset.name == REVIEWS and "review" in then else None,
            frozen({"source": reason["source"], "note": reason.get("note")}) if IP_SUBSIDY in then else None)
    return out


def reasons_of(ruleset: RulesetFile) -> dict[str, Mapping]:
    """Each rule's reason as a decision shows it: its words, the line citing its source, and the
    source's note if any."""
    out = {}
    for rule in ruleset.rules:
        reason = {"rule": rule.id, "zh": rule.reason_zh, "en": rule.reason_en, "source": cite(ruleset.source, rule.id)}
        note = own_source(ruleset.source, rule.id).get("note")
        if note:
            reason["note"] = note
        out[rule.id] = frozen(reason)
    return out


def own_source(source: dict, rule_id: str) -> dict:
    """A rule's own entry under the file's `source.rules` if it has one (each agency review rests
    on its own text), else the file's source."""
    own = (source.get("rules") or {}).get(rule_id)
    return own if isinstance(own, dict) else source


def cite(source: dict, rule_id: str) -> str:
    """The document a rule comes from, as one line: title, number, clause."""
    source = own_source(source, rule_id)
    return f"{source.get('title')} {source.get('number')} {source.get('clause', '')}".strip()


_NOT_GRANTED = {"eligible": False, "interest_subsidy_rate": None, "guarantee_fee_subsidy_rate_cap": None,
                "subsidy_amount_cap": None}


def make_decision(known: dict, trace, miss: tuple | None, engine: DecisionEngine) -> Decision:
    """The decision a person and the agencies read (`miss`: the shape of a missed subsidy)."""
    shown = explained(trace, engine.said)
    if known.get(GRANTS_SUBSIDY):
        subsidy = {"eligible": True, "interest_subsidy_rate": known.get("interest_subsidy_rate"),
                   "guarantee_fee_subsidy_rate_cap": known.get("guarantee_fee_subsidy_rate_cap"),
                   "subsidy_amount_cap": known.get("subsidy_amount_cap")}
    else:
        subsidy = {**_NOT_GRANTED, "why_not": worded_miss(engine, trace, miss)}
    agencies, deadlines = [], {}
    for review in known.get("review") or ():
        agencies.append(review["agency"])
        deadlines[review["agency"]] = review["working_days"]
    schemes = known.get(IP_SUBSIDY)
    required = tuple(dict.fromkeys(known.get(MATERIAL) or ()))
    return Decision(
        eligible=known.get("eligible", True) is not False,
        enterprise_size=known.get("enterprise_size"),
        first_loan_subsidy=frozen(subsidy),
        required_reviews=tuple(agencies),
        review_deadlines=MappingProxyType(deadlines),
        review_sources=MappingProxyType(dict(zip(agencies, shown.review_sources))),
        ineligible_reasons=shown.refusing,
        reasons=shown.reasons,
        rules=shown.used,
        # each IP-pledge scheme with the source and "assumed" note of the rule that offered it
        ip_pledge_subsidy=frozen([{**scheme, **cited} for scheme, cited in zip(schemes, shown.ip_sources)])
        if schemes else None,
        loan_terms=frozen(loan_terms(known)),
        required_materials=required,
        # nothing provided yet: the service takes away the applicant's own uploaded kinds
        missing_materials=tuple(map(engine.book.material_kinds.__getitem__, required)))


LOAN_TERMS = ("loan_amount_cap", "loan_term_cap_months", "lpr_1y", "borrower_rate_margin_below_lpr")


def loan_terms(known: dict) -> dict | None:
    """The limits the rules set on the loan itself (an entrepreneurship-guarantee loan: amount,
    term and the borrower's rate), or None when no rule set any.

    The rate cap is the LPR in force (the `loan_prime_rate` ruleset) less the margin the policy
    names (the eligibility ruleset): both numbers live in rules/, only the subtraction here. With
    no LPR on file for the date the cap is unknown (None), never guessed."""
    amount_cap, term_cap, lpr, margin = map(known.get, LOAN_TERMS)
    if amount_cap is None and term_cap is None and lpr is None and margin is None:
        return None
    return {"borrower": known.get("borrower"),
            "amount_cap": amount_cap,
            "term_cap_months": term_cap,
            "lpr": lpr,
            "rate_margin_below_lpr": margin,
            "borrower_rate_cap": round(lpr - margin, 6) if lpr is not None and margin is not None else None}


def describe_for_people(leaf, catalog: dict, unknown: bool = False) -> tuple[str, str]:
    """`registered_in_beijing equals True` → 「在京注册：须为“是”」 / "Registered in Beijing must be yes";
    with `unknown`, that the application's value of the fact is not known."""
    if leaf.fact is None:
        return leaf.describe()
    label = catalog.get(leaf.fact, {})
    zh_name, en_name = label.get("zh", leaf.fact), label.get("en", leaf.fact)
    if unknown and leaf.op != "exists":
        return f"{zh_name}尚未提供或未查询到", f"{en_name} is not known (not provided or not looked up)"

    def show(value, zh: bool):
        if isinstance(value, (list, tuple)):
            return ("、" if zh else ", ").join(word_value(label, v, zh) for v in value)
        return word_value(label, value, zh)
    op_zh, op_en = OP_TEXT[leaf.op][2:] if leaf.op in OP_TEXT else (None, None)
    if leaf.op == "exists":
        return (f"{zh_name}须{'已' if leaf.value else '未'}提供", f"{en_name} must {'' if leaf.value else 'not '}be known")
    if op_zh is None:
        return leaf.describe()
    return f"{zh_name}{op_zh}{show(leaf.value, True)}", f"{en_name} {op_en} {show(leaf.value, False)}"


def word_value(label: dict, value, zh: bool) -> str:
    """A fact's value as a person reads it: its label in facts.yaml (`medium` → 中型企业), a code
    beside its name (`70` → 70（房地产业）), yes/no for a boolean, else the value itself."""
    if isinstance(value, bool):
        return ("是" if value else "否") if zh else ("yes" if value else "no")
    worded = (label.get("labels") or {}).get(value) if isinstance(value, str) else None
    if worded is None:
        return str(value)
    text = worded["zh" if zh else "en"]
    if label.get("values"):
        return text
    return f"{value}（{text}）" if zh else f"{value} ({text})"


_NO_SUBSIDY_POLICY = ("no subsidy policy",)
_NO_GRANTING_RULE = ("no granting rule",)


def _subsidy_of(trace) -> RulesetFile | None:
    for ruleset, _ in trace:
        if ruleset.name == SUBSIDY:
            return ruleset
    return None


def miss_shape(engine: DecisionEngine, trace, known: dict) -> tuple:
    """What the explanation of a missed subsidy depends on: the granting rule closest to firing,
    how many of its conditions failed, where the first failed leaf lies in it and whether that
    fact is known at all (a handful of such shapes recur, whatever the facts' values). The
    shape keys the engine's decisions, so it holds only what the wording reads, as plain values:
    a count, not which conditions held; a position, not the condition (hashed on every lookup)."""
    subsidy = _subsidy_of(trace)
    if subsidy is None:
        return _NO_SUBSIDY_POLICY
    native = engine.native(subsidy)
    facts = native.derived(known)
    granting = native.nearest_miss(facts, GRANTS_SUBSIDY)
    if granting is None:
        return _NO_GRANTING_RULE
    rule, held = granting
    first = held.index(False)
    part = top_conditions(rule)[first]
    if part.parts:   # an `all` or `any`: the first leaf inside that failed
        inside = part.first_failure_at(facts)
        return rule.id, held.count(False), (first, *inside), facts.get(part.at(inside).fact) is None
    return rule.id, held.count(False), (first,), facts.get(part.fact) is None


def _leaf_at(rule, position: tuple[int, ...]):
    """The leaf at a position in a rule: its top-level condition, then down its parts."""
    return top_conditions(rule)[position[0]].at(position[1:])


def worded_miss(engine: DecisionEngine, trace, miss: tuple) -> dict | None:
    """A missed subsidy's `why_not`, from its shape."""
    if miss is _NO_SUBSIDY_POLICY:
        return {"rule": None, "zh": "该日期没有有效的首贷贴息政策", "en": "No first-loan subsidy policy was in force on that date"}
    if miss is _NO_GRANTING_RULE:
        return None
    return _worded(engine, _subsidy_of(trace), *miss)


def _worded(engine: DecisionEngine, subsidy: RulesetFile, rule_id: str, failed: int, position: tuple,
            unknown: bool) -> dict:
    rule = subsidy.rule(rule_id)
    leaf = _leaf_at(rule, position)
    zh, en = describe_for_people(leaf, engine.book.facts, unknown=unknown)
    return {"rule": rule.id, "condition": {"fact": leaf.fact, "op": leaf.op,
                                           "value": list(leaf.value) if isinstance(leaf.value, tuple) else leaf.value},
            "failed_conditions": failed,
            "zh": f"未获首贷贴息：{zh}。最接近的规则为 {rule.id}（{rule.reason_zh}）",
            "en": f"No first-loan subsidy: {en}. Nearest rule: {rule.id} ({rule.reason_en})"}
