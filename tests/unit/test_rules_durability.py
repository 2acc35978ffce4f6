"""The engine under load. durable-rules keeps each session in fixed C tables (1,024 live sessions
per ruleset, then MemoryError and a broken ruleset), is not thread-safe, and orders rules by a
salience whose sign matters. These tests show each trap is real and that the engine stays clear of it."""
import os
import random
import resource
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest

from chalicelib.domain.facts import facts_from_application
from chalicelib.rules_engine import DecisionEngine, RuleBook
from chalicelib.rules_engine.compiler import END_RULE, Compiler
from tests.builders import valid_body
from tests.unit.test_rules_engine import python_reading, random_facts

ROOT = Path(__file__).resolve().parents[2]
SESSION_LIMIT = 1_024  # durable-rules' fixed table size, measured below


@pytest.fixture(scope="module")
def engine():
    # Every decision also runs on durable-rules (and is checked against the native functions):
    # these tests load the C engine itself.
    engine = DecisionEngine(RuleBook.load(), crosscheck_every=1)
    yield engine
    assert engine.disagreements_seen == 0, "durable-rules and the native functions decided differently"


def process_memory_kib() -> int:
    """Resident memory of this process, durable-rules' C tables included (tracemalloc sees only Python)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:  # not Linux: the peak, which also may not grow
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak // 1024 if sys.platform == "darwin" else peak


def run_python(code: str) -> subprocess.CompletedProcess:
    """In a child process: a broken ruleset or a crash must not take the test run with it."""
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


TRAP = """
from durable import engine as durable_engine
class Host(durable_engine.Host):
    def _run(self):
        return None
host = Host()
host.register_rulesets({"leaky": {"r": {"all": [{"m": {"kind": "facts"}}], "run": lambda c: None}}})
for n in range(1100):
    try:
        host.assert_fact("leaky", {"sid": str(n), "kind": "facts"})
    except MemoryError:
        print("MemoryError at session", n)
        break
"""


def test_durable_rules_really_fails_past_1024_live_sessions_without_cleanup():
    # Why the engine deletes each session: without that, the 1,025th evaluation would fail.
    result = run_python(TRAP)
    assert result.stdout.strip() == f"MemoryError at session {SESSION_LIMIT}", result.stderr


SALIENCE = """
from durable import engine as durable_engine
class Host(durable_engine.Host):
    def _run(self):
        return None
host, order = Host(), []
def rule(name, pri):
    return {"all": [{"m": {"kind": "facts"}}], "run": lambda c: order.append(name), "pri": pri}
host.register_rulesets({"s": {"one": rule("one", 1), "zero": rule("zero", 0), "minus": rule("minus", -5),
                              "two": rule("two", 2)}})
host.assert_fact("s", {"sid": "1", "kind": "facts"})
print(order)
"""


def test_lower_salience_numbers_fire_first_and_negative_ones_last_so_cleanup_gets_zero():
    # Measured, not assumed: a negative `pri` fires after every positive one. The cleanup rule
    # therefore has pri 0 and every other rule pri 1.
    assert run_python(SALIENCE).stdout.strip() == "['zero', 'one', 'two', 'minus']"
    book = RuleBook.load()
    for ruleset in book.rulesets:
        definition = Compiler().definition(ruleset, lambda rule_id: None, None)
        cleanup = definition.pop(END_RULE)["pri"]
        assert cleanup == 0 and all(rule["pri"] > cleanup for rule in definition.values()), ruleset.key


def live_sessions(engine, sids) -> int:
    """How many of these session ids durable-rules still holds in its C tables."""
    count = 0
    for compiled in engine._durable.values():
        for sid in sids:
            try:
                engine.host._host.get_state(compiled.name, sid)
                count += 1
            except Exception:  # durable-rules: "Could not get state" — the session is gone
                pass
    return count


@pytest.mark.slow
def test_2500_sequential_decisions_through_one_engine_are_right_and_leave_no_session_behind(engine):
    # 2,500 evaluations of every ruleset, past the 1,024 limit, each with the right answer.
    rng = random.Random(2500)
    for n in range(2_500):
        facts, as_of = random_facts(rng), rng.choice([date(2022, 6, 1), date(2024, 6, 1)])
        decision = engine.decide(facts, as_of).to_json()
        expected = python_reading(engine, facts, as_of)
        assert (decision["enterprise_size"], decision["eligible"], decision["required_reviews"],
                decision["first_loan_subsidy"]["eligible"]) == \
            (expected["enterprise_size"], expected.get("eligible", True), [r["agency"] for r in expected["review"]],
             bool(expected.get("first_loan_subsidy_eligible"))), (n, facts)
    assert engine.host.pending_sessions == 0
    used = int(next(engine.host._ids))
    assert used >= 4 * 2_500  # a session per ruleset per decision
    assert live_sessions(engine, [str(sid) for sid in range(0, used, 7)]) == 0


def test_the_session_probe_sees_a_session_left_alive():
    # So that `live_sessions(...) == 0` above means something: a session asserted without its
    # end-of-request event is found, and the end event removes it.
    engine = DecisionEngine(RuleBook.load())
    host, name = engine.host, engine.compiled_for("required_reviews", date(2024, 1, 1), durable=True).name
    with host._lock:
        host._fired["probe"] = []
        host._host.assert_fact(name, {"sid": "probe", "kind": "facts"})
    assert live_sessions(engine, ["probe"]) == 1
    with host._lock:
        host._host.post(name, {"sid": "probe", "kind": "end"})
        host._fired.pop("probe")
    assert live_sessions(engine, ["probe"]) == 0


@pytest.mark.slow
def test_ten_thousand_decisions_keep_process_memory_flat(engine):
    facts = facts_from_application(valid_body("entrepreneurship_guarantee"))
    for _ in range(1_000):
        engine.decide(facts, date(2026, 1, 1)).to_json()
    before = process_memory_kib()
    for _ in range(10_000):
        assert engine.decide(facts, date(2026, 1, 1)).to_json()["required_reviews"] == ["hr"]
    grown = process_memory_kib() - before
    assert engine.host.pending_sessions == 0
    # Generous (a leak of one session's facts per decision would be tens of MiB), never flaky.
    assert grown < 8_000, f"process memory grew by {grown} KiB over 10,000 decisions"


@pytest.mark.slow
def test_1200_concurrent_decisions_from_eight_threads_equal_the_sequential_ones(engine):
    rng = random.Random(11)
    work = [(random_facts(rng), rng.choice([date(2022, 6, 1), date(2025, 3, 1)])) for _ in range(1200)]
    expected = [python_reading(engine, f, d) for f, d in work]
    sequential = [engine.decide(f, d).to_json() for f, d in work]
    results, errors = [None] * len(work), []
    start = threading.Barrier(8)

    def worker(offset: int):
        try:
            start.wait()
            for i in range(offset, len(work), 8):
                results[i] = engine.decide(*work[i]).to_json()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # Not one rule fired for one request was credited to another (the buffers are per session).
    assert results == sequential
    assert [r["enterprise_size"] for r in results] == [e["enterprise_size"] for e in expected]
    assert [r["eligible"] for r in results] == [e.get("eligible", True) for e in expected]
    assert engine.host.pending_sessions == 0


def test_two_engines_have_their_own_hosts_and_one_ruleset_per_version():
    first, second = DecisionEngine(RuleBook.load()), DecisionEngine(RuleBook.load())
    assert first.host is not second.host
    durable = [first.compiled_for(f.name, f.effective_from, durable=True) for f in first.book.rulesets]
    names = [c.name for c in durable]
    assert len(names) == len(set(names)) == len(first.book.rulesets)
    assert all(name.startswith(f"{c.ruleset.name}@{c.ruleset.version}#") for name, c in zip(names, durable))
    # A sibling engine for a new book shares the host and compiles nothing already compiled.
    sibling = first.with_book(first.book)
    assert sibling.host is first.host and sibling._durable == first._durable and sibling._native == first._native


FULL_TABLE = """
from datetime import date
from chalicelib.rules_engine import DecisionEngine, RuleBook
engine = DecisionEngine(RuleBook.load())
reviews = engine.compiled_for("required_reviews", date(2024, 1, 1), durable=True)
for n in range(1024):  # sessions left alive behind the engine's back
    engine.host._fired[f"x{n}"] = []
    engine.host._host.assert_fact(reviews.name, {"sid": f"x{n}", "kind": "facts"})
try:
    engine.evaluate("required_reviews", {"scenario": "credit"}, date(2024, 1, 1), durable=True)
except MemoryError:
    print("MemoryError")
print(engine.evaluate("enterprise_size", {"industry_code": "6510", "employees": 10, "annual_revenue_wan": 50},
                      date(2024, 1, 1), durable=True)[0]["enterprise_size"])
"""


def test_a_full_session_table_is_reported_as_an_error_not_a_crash():
    # Should sessions ever leak, the evaluation raises MemoryError rather than posting the end
    # event into the full table (which kills the process), and the other rulesets still answer.
    result = run_python(FULL_TABLE)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["MemoryError", "small"]
