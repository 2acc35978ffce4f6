"""1. Decision speed: the full decision of one application against zen-engine and plain Python.

The full decision is what a submission pays for its decision: the form validated, the facts
read from it (plus the two looked-up lists), and every ruleset run by `DecisionEngine.decide`.
zen-engine and the plain functions decide only enterprise size and the subsidy (the table they
share), from facts already extracted: the comparison is deliberately against their best case.

More contenders, informative, say where the full decision's time goes: the form validation
alone, `DecisionEngine.decide` alone (the native functions, every ruleset), the same rulesets on
durable-rules (the engine of record, which replays decisions and checks one live decision in
1,000), and the native functions on the same table as zen.
"""
from __future__ import annotations

import gc
from datetime import date

from .timing import interleaved
from .workload import application_mix, decision_facts

SECTION = "1 decision"
AS_OF = date(2025, 6, 30)   # the 2023.1 subsidy rules are in force: the version the zen graph holds
CHUNK = 500


def outcome_of_decision(decision) -> tuple:
    subsidy = decision.first_loan_subsidy
    return decision.enterprise_size, subsidy["eligible"], subsidy["interest_subsidy_rate"]


def outcome_of_table(result: dict) -> tuple:
    return (result["enterprise_size"], bool(result["first_loan_subsidy_eligible"]),
            result.get("interest_subsidy_rate"))


FULL, ZEN, PLAIN, COMPILED = "full decision (ours)", "zen-engine table", "plain Python", "native functions, same table"
DURABLE_RATE = "durable-rules, every ruleset (engine of record)"
DURABLE_SAMPLE = 20   # durable-rules is ~100× slower: every 20th application is enough for its rate


def contenders(forms, engine, zen_table, plain, compiled, out: dict[str, dict]):
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

    def batch(items):
        for i, _, facts in items:
            out["compiled"][i] = outcome_of_table(compiled.decide(facts))

    def validation_only(items):
        for _, body, _ in items:
            forms.validate(body)

    def decide_only(items):
        for _, _, facts in items:
            engine.decide(facts, AS_OF)

    def durable(items):
        for _, _, facts in items[::DURABLE_SAMPLE]:
            engine.run_all(facts, AS_OF, durable=True)
    return {FULL: ours, ZEN: zen, PLAIN: floor, COMPILED: batch,
            "form validation only": validation_only, "DecisionEngine.decide only": decide_only,
            DURABLE_RATE: durable}



def disagreements(out: dict[str, dict]) -> list[dict]:
    return [{"index": i, **{name: out[name][i] for name in out}}
            for i in out["ours"] if len({out[name][i] for name in out}) > 1]


def run(results, count: int = 10_000) -> None:
    from chalicelib.forms import FormRegistry
    from chalicelib.rules_engine import DecisionEngine, RuleBook
    from chalicelib.rules_engine.engine import version_in_force

    from .batch_rules import BatchDecider
    from .plain import PlainSizeAndSubsidy
    from .zen_table import ZenSizeAndSubsidy

    forms, book = FormRegistry.load(), RuleBook.load()
    engine = DecisionEngine(book)
    size, subsidy = (version_in_force(book.versions(n), AS_OF) for n in ("enterprise_size", "first_loan_subsidy"))
    zen_table = ZenSizeAndSubsidy([size, subsidy])
    plain = PlainSizeAndSubsidy(size.derive[0].table)
    compiled = BatchDecider(book, ("enterprise_size", "first_loan_subsidy"), AS_OF)
    bodies = application_mix(count)
    items = [(i, body, decision_facts(body)) for i, body in enumerate(bodies)]
    out: dict[str, dict] = {"ours": {}, "zen": {}, "plain": {}, "compiled": {}}
    runners = contenders(forms, engine, zen_table, plain, compiled, out)
    for name, runner in runners.items():          # warm every path once, untimed
        runner(items[:50])
    # The 10,000 bodies held for the run are not what a request's heap looks like: keep the
    # collector from walking them again and again, for every contender alike.
    gc.collect()
    gc.freeze()
    try:
        seconds = interleaved(runners, items, CHUNK)
    finally:
        gc.unfreeze()
    rates = {name: (count / DURABLE_SAMPLE if name == DURABLE_RATE else count) / s for name, s in seconds.items()}
    ours, zen, floor = rates[FULL], rates[ZEN], rates[PLAIN]
    wrong = disagreements(out)
    for name, rate in rates.items():
        results.add(SECTION, f"{name}: per second", rate, "/s")
    results.add(SECTION, "full decision ÷ zen-engine throughput", ours / zen, "×", "≥ 1.0×", ours / zen >= 1.0)
    results.add(SECTION, "plain Python ÷ full decision throughput", floor / ours, "×", "≤ 20×", floor / ours <= 20)
    results.add(SECTION, "native functions ÷ zen-engine (same table)", rates[COMPILED] / zen, "×")
    results.add(SECTION, "size and subsidy agree (ours, zen, plain, compiled)", f"{count - len(wrong)}/{count}", "",
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
