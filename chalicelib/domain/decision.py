"""A decision as a value: what the rules found for one application on one date.

A decision and its parts are frozen (mappings are read-only views, lists are tuples), so the
parts the engine shares between decisions (reasons, rule versions, a worded near miss) cannot be
changed through one of them. The engine builds the parts frozen (`frozen`); `from_json` and
`with_facts` freeze what they are given. `to_json()` is the plain JSON the API shows and the store keeps;
`from_json` reads a stored one back.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping, NamedTuple

EMPTY: Mapping = MappingProxyType({})
OPTIONAL = ("ip_pledge_subsidy", "loan_terms", "facts", "fact_sources", "warnings")   # left out of the JSON when not set


def frozen(value):
    """`value` with every dict a read-only view and every list a tuple, all the way down. A view or
    a tuple is taken as frozen already (the engine freezes the parts it shares once, when it
    makes them, rather than once per decision)."""
    kind = type(value)
    if kind is dict:
        return MappingProxyType({key: frozen(item) if type(item) in _MUTABLE else item
                                 for key, item in value.items()})
    if kind is list:
        return tuple([frozen(item) if type(item) in _MUTABLE else item for item in value])
    return value


_MUTABLE = (dict, list)


def thawed(value):
    """The plain JSON of a frozen value (new dicts and lists, safe to change).

    Asks for the exact types `frozen` and JSON make rather than `isinstance(value, Mapping)`: that
    check of an ABC, on every leaf of a decision's ~300 values, was three quarters of the time of
    `to_json`, which every submission and amendment runs twice (measured: 150 → 40 us)."""
    kind = type(value)
    if kind is MappingProxyType or kind is dict:
        return {key: thawed(item) for key, item in value.items()}
    if kind is tuple:
        return [thawed(item) for item in value]
    return value


class Decision(NamedTuple):
    """A named tuple: as immutable as a frozen dataclass and made in a fraction of the time
    (a decision is built for every submission and eligibility question)."""
    eligible: bool
    enterprise_size: str | None = None
    first_loan_subsidy: Mapping = EMPTY
    required_reviews: tuple = ()
    review_deadlines: Mapping = EMPTY          # agency -> working days
    review_sources: Mapping = EMPTY            # agency -> the document its review rests on
    ineligible_reasons: tuple = ()
    reasons: tuple = ()
    rules: tuple = ()                          # the ruleset versions that decided
    ip_pledge_subsidy: tuple | None = None     # the IP-pledge interest subsidies offered, when any
    loan_terms: Mapping | None = None          # limits on the loan itself, when a rule set any
    required_materials: tuple = ()             # kinds of material the rules ask for
    missing_materials: tuple = ()              # of those, the ones not provided: ({kind, zh, en}, …)
    facts: Mapping | None = None               # what it was decided on (added by the service)
    fact_sources: Mapping | None = None
    warnings: tuple | None = None              # declared figures the records contradict ({path, code, zh, en, …})

    def __deepcopy__(self, memo) -> "Decision":
        return self                       # a value: nothing in it can change

    def with_facts(self, facts: dict, sources: dict, warnings: list | None = None) -> "Decision":
        return self._replace(facts=frozen(facts), fact_sources=frozen(sources),
                             warnings=frozen(warnings) if warnings else None)

    def with_provided(self, kinds) -> "Decision":
        """Only the required kinds not among `kinds` (the applicant's own uploaded materials) stay missing."""
        provided = frozenset(kinds)
        return self._replace(missing_materials=tuple(m for m in self.missing_materials if m["kind"] not in provided))

    def to_json(self) -> dict:
        """Every field in order; the optional ones (`OPTIONAL`) only when set."""
        return {name: thawed(value) for name, value in zip(self._fields, self)
                if value is not None or name not in OPTIONAL}

    @classmethod
    def from_json(cls, doc: dict) -> "Decision":
        return cls(**{key: frozen(value) for key, value in doc.items() if key in cls._fields})
