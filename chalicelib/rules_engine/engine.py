"""Evaluate rulesets with durable-rules (the engine of record), statelessly and thread-safely.

One durable-rules host per engine, with its background dispatch threads switched off, behind one
lock (the stock host is not thread-safe). Each evaluation is its own session: facts asserted
under a fresh session id, then an end-of-request event whose cleanup rule deletes the session,
so no state accumulates however many evaluations run. Fired rules are collected by the actions
into a per-session buffer that the evaluation pops.
"""
from __future__ import annotations

import itertools
import threading
from datetime import date

from ..domain.facts import plain_number
from .compiler import Compiler
from .model import RulesetFile


def _quiet_host():
    """A host without the timer threads that dispatch in the background (we dispatch inline).

    durable-rules is imported here, on first use: decisions run on native.py's functions, so a
    cold start that only decides never loads the C engine."""
    from durable import engine as durable_engine

    class QuietHost(durable_engine.Host):
        def _run(self):
            return None
    return QuietHost()


class CompiledRuleset:
    def __init__(self, ruleset: RulesetFile, host: "RulesHost"):
        self.ruleset = ruleset
        self.compiler = Compiler()
        self._host = host
        definition = self.compiler.definition(ruleset, host.action_for, host.end_action)
        # A registered durable-rules ruleset can never change: the name carries the content hash,
        # so an edited file under the same version number is a new ruleset, never a clash.
        self.name = f"{ruleset.key}#{ruleset.sha256[:16]}"
        host.register(self.name, definition)
        # Only the facts some rule tests go to durable-rules (less JSON, nothing unrelated).
        self._tested = set().union(*(r.when.facts() for r in ruleset.rules)) | set(self.compiler.prefix_tests.values())

    def fired(self, facts: dict) -> list[str]:
        prepared = self.compiler.prepare(self.ruleset.derived(facts))
        # A missing fact and a null are the same to a rule: neither is sent to the engine.
        return self._host.run(self.name, {k: plain_number(v) for k, v in prepared.items()
                                          if v is not None and k in self._tested})

    def outcomes(self, facts: dict) -> tuple[dict, tuple[str, ...]]:
        """Outcomes per the hit policy, and the ids of the rules that fired (file order)."""
        fired_ids = self.fired(facts)
        order = {r.id: n for n, r in enumerate(self.ruleset.rules)}
        fired_ids.sort(key=order.__getitem__)
        return resolve(self.ruleset, [self.ruleset.rule(i) for i in fired_ids], facts), tuple(fired_ids)


class _KeepUnknown:
    """The facts as a template sees them: one naming a fact the application lacks keeps its
    placeholder, never crashes (and nothing is copied to fill one template)."""

    __slots__ = ("facts",)

    def __init__(self, facts: dict):
        self.facts = facts

    def __getitem__(self, key):
        value = self.facts.get(key)
        return "{" + key + "}" if value is None else value


def fill_template(value, facts: dict):
    if isinstance(value, str) and "{" in value:
        return value.format_map(_KeepUnknown(facts))
    if isinstance(value, dict):
        return {k: fill_template(v, facts) for k, v in value.items()}
    return value


def resolve(ruleset: RulesetFile, fired, facts: dict) -> dict:
    """Combine the `then` of the fired rules according to the ruleset's hit policy."""
    outcomes = dict(ruleset.defaults)
    if ruleset.hit_policy == "collect":
        collected: dict[str, list] = {}
        for rule in fired:
            for name, value in rule.then.items():
                collected.setdefault(name, []).append(fill_template(value, facts))
        for name in {n for r in ruleset.rules for n in r.then}:
            outcomes[name] = collected.get(name, [])
        return outcomes
    if ruleset.hit_policy == "priority":
        best: dict[str, tuple[int, object]] = {}
        for rule in fired:
            for name, value in rule.then.items():
                rank = ruleset.priority.get(name, []).index(value) if value in ruleset.priority.get(name, []) else 10**6
                if name not in best or rank < best[name][0]:
                    best[name] = (rank, value)
        outcomes.update({name: fill_template(v, facts) for name, (_, v) in best.items()})
        return outcomes
    for rule in fired:  # unique: the loader has refused rule files whose rules can disagree
        outcomes.update({name: fill_template(v, facts) for name, v in rule.then.items()})
    return outcomes


class RulesHost:
    """One durable-rules host and the lock that serialises every call into it."""

    def __init__(self):
        self._host = _quiet_host()
        self._lock = threading.Lock()
        self._ids = itertools.count()
        self._fired: dict[str, list[str]] = {}

    def register(self, name: str, definition: dict) -> None:
        with self._lock:
            if name not in self._host._ruleset_directory:
                self._host.register_rulesets({name: definition})

    def action_for(self, rule_id: str):
        def action(c):
            self._fired[c.s.sid].append(rule_id)
        return action

    @staticmethod
    def end_action(c):
        c.delete_state()

    def run(self, ruleset_key: str, facts: dict) -> list[str]:
        """Assert the facts in a fresh session, end it, and return the ids of the rules that fired."""
        with self._lock:
            sid = str(next(self._ids))
            self._fired[sid] = []
            try:
                try:
                    self._host.assert_fact(ruleset_key, {**facts, "sid": sid, "kind": "facts"})
                except MemoryError:
                    # The ruleset's session table is full (it cannot be, while every session is
                    # ended); posting to it now would crash the process, so only report it.
                    raise
                except BaseException:
                    self._end(ruleset_key, sid)
                    raise
                self._end(ruleset_key, sid)
                return self._fired[sid]
            finally:
                self._fired.pop(sid, None)

    def _end(self, ruleset_key: str, sid: str) -> None:
        """The end-of-request event: its cleanup rule deletes the session from inside an action."""
        self._host.post(ruleset_key, {"sid": sid, "kind": "end"})

    @property
    def pending_sessions(self) -> int:
        return len(self._fired)


def version_in_force(versions: list[RulesetFile], on: date) -> RulesetFile | None:
    return next((v for v in versions if v.in_force(on)), None)
