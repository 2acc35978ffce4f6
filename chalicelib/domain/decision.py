"""A decision as a value: what the rules found for one application on one date.

A decision and its parts are frozen (mappings are read-only views, lists are tuples), so the
parts the engine shares between decisions (reasons, rule versions, a worded near miss) cannot be
changed through one of them. `to_json()` is the plain JSON the API shows and the store keeps;
`from_json` reads a stored one back.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Mapping

EMPTY: Mapping = MappingProxyType({})
OPTIONAL = ("loan_terms", "ip_pledge_subsidy", "facts", "fact_sources")   # left out of the JSON when not set


def frozen(value):
    """`value` with every dict a read-only view and every list a tuple, all the way down."""
    if isinstance(value, MappingProxyType):
        return value                      # made here: its contents are frozen already
    if isinstance(value, dict):
        return MappingProxyType({key: frozen(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(frozen(item) for item in value)
    return value


def thawed(value):
    """The plain JSON of a frozen value (new dicts and lists, safe to change)."""
    if isinstance(value, Mapping):
        return {key: thawed(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [thawed(item) for item in value]
    return value


@dataclass(frozen=True)
class Decision:
    eligible: bool
    enterprise_size: str | None = None
    first_loan_subsidy: Mapping = field(default_factory=lambda: EMPTY)
    required_reviews: tuple = ()
    review_deadlines: Mapping = field(default_factory=lambda: EMPTY)   # agency -> working days
    review_sources: Mapping = field(default_factory=lambda: EMPTY)     # agency -> its review's document
    ineligible_reasons: tuple = ()
    reasons: tuple = ()
    rules: tuple = ()                          # the ruleset versions that decided
    loan_terms: Mapping | None = None          # limits on the loan itself, when a rule set any
    ip_pledge_subsidy: tuple | None = None     # IP-pledge subsidy schemes (assumed parameters), when any
    facts: Mapping | None = None               # what it was decided on (added by the service)
    fact_sources: Mapping | None = None

    def __post_init__(self):
        for each in fields(self):
            object.__setattr__(self, each.name, frozen(getattr(self, each.name)))

    def __deepcopy__(self, memo) -> "Decision":
        return self                       # a value: nothing in it can change

    def with_facts(self, facts: dict, sources: dict) -> "Decision":
        return replace(self, facts=facts, fact_sources=sources)

    def to_json(self) -> dict:
        """Every field in order; the optional ones (`loan_terms`, `facts`, `fact_sources`) only when set."""
        out = {}
        for each in fields(self):
            value = getattr(self, each.name)
            if value is not None or each.name not in OPTIONAL:
                out[each.name] = thawed(value)
        return out

    @classmethod
    def from_json(cls, doc: dict) -> "Decision":
        known = {each.name for each in fields(cls)}
        return cls(**{key: value for key, value in doc.items() if key in known})
