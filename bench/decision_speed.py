"""1. Decision speed: the full decision of one application against zen-engine and plain Python.

The full decision is what a submission pays for its decision: the form validated, the facts
read from it (plus the two looked-up lists), and every ruleset run by `DecisionEngine.decide`.
zen-engine and the plain functions decide only enterprise size and the subsidy (the table they
share), from facts already extracted: the comparison is deliberately against their best case.
"""
from __future__ import annotations

from datetime import date

from .timing import interleaved
from .workload import application_mix, decision_facts

SECTION = "1 decision"
AS_OF = date(2025, 6, 30)   # the 2023.1 subsidy rules are in force: the version the zen graph holds
CHUNK = 500


def outcome_of_decision(decision: dict) -> tuple:
    subsidy = decision["first_loan_subsidy"]
    return decision["enterprise_size"], subsidy["eligible"], subsidy["interest_subsidy_rate"]


def outcome_of_table(result: dict) -> tuple:
    return (result["enterprise_size"], bool(result["first_loan_subsidy_eligible"]),
            result.get("interest_subsidy_rate"))


def contenders(forms, engine, zen_table, plain, out: dict[str, dict]):
    """Each contender decides a chunk of (index, body, facts) and records its outcome by index."""
    def ours(items):
        for i, body, _ in items:
            if forms.validate(body):
                raise AssertionError(f"application {i} of the mix is not valid")
            out["ours"][i] = outcome_of_decision(engine.decide(decision_facts(body), AS_OF))

    def zen(items):
        for i, _, facts in items:
            out["zen"][i] = outcome_of_table(zen_table.decide(facts))

    def floor(items):
        for i, _, facts in items:
            out["plain"][i] = outcome_of_table(plain.decide(facts))
    return {"full decision (ours)": ours, "zen-engine table": zen, "plain Python": floor}


def disagreements(out: dict[str, dict]) -> list[dict]:
    return [{"index": i, **{name: out[name][i] for name in out}}
            for i in out["ours"] if not (out["ours"][i] == out["zen"][i] == out["plain"][i])]


def run(results, count: int = 10_000) -> None:
    from chalicelib.forms import FormRegistry
    from chalicelib.rules_engine import DecisionEngine, RuleBook
    from chalicelib.rules_engine.engine import version_in_force

    from .plain import PlainSizeAndSubsidy
    from .zen_table import ZenSizeAndSubsidy

    forms, book = FormRegistry.load(), RuleBook.load()
    engine = DecisionEngine(book)
    size, subsidy = (version_in_force(book.versions(n), AS_OF) for n in ("enterprise_size", "first_loan_subsidy"))
    zen_table = ZenSizeAndSubsidy([size, subsidy])
    plain = PlainSizeAndSubsidy(size.derive[0].table)
    bodies = application_mix(count)
    items = [(i, body, decision_facts(body)) for i, body in enumerate(bodies)]
    out: dict[str, dict] = {"ours": {}, "zen": {}, "plain": {}}
    runners = contenders(forms, engine, zen_table, plain, out)
    for name, runner in runners.items():          # warm every path once, untimed
        runner(items[:50])
    seconds = interleaved(runners, items, CHUNK)
    rates = {name: count / s for name, s in seconds.items()}
    ours, zen, floor = rates["full decision (ours)"], rates["zen-engine table"], rates["plain Python"]
    wrong = disagreements(out)
    for name, rate in rates.items():
        results.add(SECTION, f"{name} decisions/s", rate, "/s")
    results.add(SECTION, "full decision ÷ zen-engine throughput", ours / zen, "×", "≥ 1.0×", ours / zen >= 1.0)
    results.add(SECTION, "plain Python ÷ full decision throughput", floor / ours, "×", "≤ 20×", floor / ours <= 20)
    results.add(SECTION, "size and subsidy agree (ours, zen, plain)", f"{count - len(wrong)}/{count}", "",
                "all agree", not wrong)
    results.detail(SECTION, applications=count, as_of=AS_OF.isoformat(), seconds=seconds, rates=rates,
                   scenarios=sorted({b["scenario"] for b in bodies}), disagreements=wrong[:20],
                   sizes=_tally(o[0] for o in out["ours"].values()),
                   subsidy_eligible=sum(1 for o in out["ours"].values() if o[1]))


def _tally(values) -> dict:
    counts: dict = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return counts
