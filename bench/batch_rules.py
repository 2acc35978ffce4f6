"""The engine's native rulesets (chalicelib/rules_engine/native.py) for a chosen few rulesets.

The population run and the side-by-side table need only enterprise size and the first-loan
subsidy, decided on facts already extracted; the full decision (decision_speed.py) goes through
`DecisionEngine.decide` like a submission does.
"""
from __future__ import annotations

from chalicelib.rules_engine.decision import with_application_date
from chalicelib.rules_engine.native import run_in_order


class BatchDecider:
    """The rulesets named, in the rule book's order, each seeing the earlier ones' outcomes."""

    def __init__(self, book, names: tuple[str, ...], as_of):
        from chalicelib.rules_engine.engine import version_in_force
        from chalicelib.rules_engine.native import NativeRuleset
        self.as_of = as_of
        self.versions = [version_in_force(book.versions(n), as_of) for n in book.order if n in names]
        self._rulesets = tuple(NativeRuleset(v) for v in self.versions if v is not None)

    def decide(self, facts: dict) -> dict:
        """As `DecisionEngine.decide` sees the facts: a loan date not given is the decision's date."""
        return run_in_order(self._rulesets, with_application_date(facts, self.as_of))[0]
