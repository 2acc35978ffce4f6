"""The native Python functions (the request path) answer exactly as durable-rules (the engine of
record) and as `Condition.holds` (the reading the rule files are written for)."""
import logging
import random
from datetime import date

import pytest

from chalicelib.domain.facts import facts_from_application
from chalicelib.rules_engine import DecisionEngine, RuleBook
from chalicelib.rules_engine.probes import candidates, probe_facts
from tests.builders import valid_body
from tests.unit.test_rules_engine import python_reading, random_facts


@pytest.fixture(scope="module")
def engine():
    return DecisionEngine(RuleBook.load())


def test_every_ruleset_version_agrees_with_durable_rules_on_every_edge_it_has(engine):
    for ruleset in engine.book.rulesets:
        assert engine.disagreements(ruleset) == [], ruleset.key


def test_the_probes_reach_every_threshold_and_every_missing_fact(engine):
    size = next(r for r in engine.book.rulesets if r.name == "enterprise_size")
    options = candidates(size)
    assert "industry_code" in options and None in options["employees"]
    compared = [(p.fact, p.value) for r in size.rules for p in r.when.parts if p.op == "gte"]
    assert compared and all({t - 1, t, t + 1} <= set(options[fact]) for fact, t in compared)
    probes = probe_facts(size)
    assert len(probes) >= 300 and any("employees" not in p for p in probes)


def test_a_native_function_that_misreads_a_threshold_is_caught_by_the_probes(engine):
    # The check above can fail: shift one threshold in the native function only.
    import dataclasses
    from chalicelib.rules_engine.native import NativeRuleset
    size = next(r for r in engine.book.rulesets if r.name == "enterprise_size")
    rule = next(r for r in size.rules if r.when.op == "all" and any(p.op == "gte" for p in r.when.parts))
    parts = tuple(dataclasses.replace(p, value=p.value + 1) if p.op == "gte" else p for p in rule.when.parts)
    skewed = dataclasses.replace(size, rules=tuple(
        dataclasses.replace(r, when=dataclasses.replace(r.when, parts=parts)) if r is rule else r for r in size.rules))
    broken = DecisionEngine(engine.book, native={size.key: NativeRuleset(skewed)})
    assert broken.disagreements(size) != []


@pytest.mark.slow
def test_3000_random_decisions_native_equal_durable_and_the_python_reading(engine):
    rng = random.Random(3000)
    both = DecisionEngine(engine.book, crosscheck_every=1)
    for n in range(3_000):
        facts, as_of = random_facts(rng), rng.choice([date(2022, 6, 1), date(2023, 1, 1), date(2025, 6, 1)])
        native, durable = engine.run_all(facts, as_of), engine.run_all(facts, as_of, durable=True)
        assert native == durable, (n, facts)
        assert native[0] == python_reading(engine, facts, as_of), (n, facts)
        assert both.decide(facts, as_of).to_json() == engine.decide(facts, as_of).to_json()
    assert both.disagreements_seen == 0


def test_a_sampled_live_decision_is_decided_again_by_durable_rules_and_a_difference_is_logged(engine, caplog):
    import dataclasses
    from chalicelib.rules_engine.native import NativeRuleset
    size = next(r for r in engine.book.rulesets if r.name == "enterprise_size" and r.in_force(date(2025, 1, 1)))
    wrong = dataclasses.replace(size, defaults={**size.defaults}, rules=())   # decides nothing
    skewed = DecisionEngine(engine.book, native={size.key: NativeRuleset(wrong)}, crosscheck_every=2)
    facts = facts_from_application(valid_body("credit"))
    with caplog.at_level(logging.ERROR):
        first, second = skewed.decide(facts, date(2025, 1, 1)).to_json(), skewed.decide(facts, date(2025, 1, 1)).to_json()
    assert first["enterprise_size"] != second["enterprise_size"] == engine.decide(facts, date(2025, 1, 1)).to_json()[
        "enterprise_size"]
    assert skewed.disagreements_seen == 1
    assert [r.message for r in caplog.records] == ["rules_engines_disagree"]


def test_replay_runs_on_durable_rules(engine):
    facts = facts_from_application(valid_body("ip_pledge"))
    decision = engine.decide(facts, date(2025, 1, 1)).to_json()
    before = engine.host._ids
    replayed = engine.replay(facts, date(2025, 1, 1), decision["rules"]).to_json()
    assert replayed == decision and engine.host._ids is before and int(next(engine.host._ids)) > 0


def test_make_rules_source_prints_the_module_a_version_runs_as(engine, capsys):
    from chalicelib.rules_engine import cli
    from chalicelib.rules_engine.source import RUNTIME, module_source
    assert cli.main(["source", "enterprise_size@2011.1"]) == 0
    printed = capsys.readouterr().out
    size = next(r for r in engine.book.rulesets if r.key == "enterprise_size@2011.1")
    text, constants = module_source(size)
    assert printed == text and printed.startswith("# 'enterprise_size@2011.1' from 'enterprise_size.yaml'")
    namespace = {**RUNTIME, **constants}
    exec(compile(printed, "printed", "exec"), namespace)
    facts = {"industry_code": "2611", "employees": 350, "annual_revenue_wan": 5000}
    assert namespace["fired"](facts) == engine.native(size).fired_ids(facts) == (
        "size.industry.medium", "size.industry.small")
    assert cli.main(["source", "enterprise_size@1999.1"]) == 1 and cli.main(["source"]) == 2


def test_numbers_of_every_kind_are_ordered_and_values_of_unlike_types_never_are():
    from decimal import Decimal
    from chalicelib.rules_engine.model import Condition
    at_least_ten = Condition("gte", "employees", 10)
    readings = [at_least_ten.holds({"employees": v}) for v in (10, 10.5, Decimal("10"), 9, True, "10", None, [10])]
    assert readings == [True, True, True, False, False, False, False, False]
    between = Condition("between", "employees", (1, 5))
    assert [between.holds({"employees": v}) for v in (1, 5, 6, "3", None)] == [True, True, False, False, False]


def test_names_in_a_rule_file_are_never_code_in_its_module():
    # A policy user writes rule ids, versions and fact names: in the written-out module each is a
    # quoted literal, so none can end a comment or a string and run as code.
    from chalicelib.rules_engine.model import Condition, Derivation, Rule, RulesetFile
    from chalicelib.rules_engine.native import NativeRuleset
    sneaky = 'x"""\nraise SystemExit("ran")\n#\''
    rule = Rule(sneaky, Condition("equals", "group\nraise SystemExit('ran')", "a"), {"eligible": False}, "z", "e", 1)
    ruleset = RulesetFile("probe", "1\nraise SystemExit('ran')", date(2000, 1, 1), None, {}, "collect", {}, {},
                          (Derivation("group\nraise SystemExit('ran')", "code", {"1": "a"}, "b"),), (rule,),
                          "probe\nraise SystemExit('ran').yaml", "0" * 64)
    native = NativeRuleset(ruleset)
    assert native.fired_ids({"code": "12"}) == (sneaky,) and native.fired_ids({"code": "2"}) == ()
    assert native.nearest_miss({"code": "2"}, "eligible") is None   # it sets `eligible` false: no granting rule
