"""The statistics counters against the applications they count (issue #15, item 6).

`GET /stats` and `GET /stats?group_by=…` answer from counters moved in the same transactions as
the approvals and acceptances. This recomputes every figure they report from the applications
themselves, read one by one, by the meaning DESIGN gives the figures (not by replaying the
counters' own deltas): an application counts once it has a bank approval; its amount is the
accepted offer's, or the first approval's until one is accepted; its bank group is the accepted
bank's, or the first approving bank's; its month is that of its first approval; an enterprise
counts once per group however many of its applications are in it. Then each reported figure is
compared with the recomputed one, and every difference is named.

Used by `make soak` after its run and by tests/integration/test_soak.py.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Callable, Iterable

FEN = Decimal("0.01")
WHOLE_CITY = ("city", "")          # the group of `GET /stats` without group_by
AMOUNTS = ("approved_amount", "average_amount_per_enterprise")
SHARES = ("sme_share", "first_loan_share")


class Tally:
    def __init__(self):
        self.count, self.amount, self.sme, self.first_loan, self.owners = 0, Decimal(0), 0, 0, set()

    def add(self, owner: str, amount: Decimal, sme: bool, first_loan: bool) -> None:
        self.count += 1
        self.amount += amount
        self.sme += int(sme)
        self.first_loan += int(first_loan)
        self.owners.add(owner)

    def figures(self) -> dict:
        """The figures `GET /stats` reports, from these applications."""
        return {"approved_count": self.count,
                "approved_amount": float(self.amount),
                "average_amount_per_enterprise": float(self.amount / len(self.owners)) if self.owners else 0.0,
                "sme_share": self.sme / self.count if self.count else 0.0,
                "first_loan_share": self.first_loan / self.count if self.count else 0.0}


def recompute(applications: Iterable) -> dict[tuple[str, str], dict]:
    """(dimension, key) -> figures, for the whole city and every group of every dimension."""
    from chalicelib.domain.application import UNKNOWN_GROUP, BankStatus
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for app in applications:
        approved = [b for b in app.banks if b.status is BankStatus.APPROVED]
        if not approved:
            continue
        first = min(approved, key=lambda b: b.decided_at or "")
        taken = next((b for b in app.banks if b.accepted_at), None) or first
        enterprise = app.form.get("enterprise")
        district = enterprise.get("district") if isinstance(enterprise, dict) else None
        groups = [WHOLE_CITY, ("month", (first.decided_at or "")[:7] or UNKNOWN_GROUP),
                  ("scenario", app.scenario or UNKNOWN_GROUP), ("district", district or UNKNOWN_GROUP),
                  ("bank", taken.code)]
        amount = Decimal(str(taken.amount)).quantize(FEN)
        for group in groups:
            tallies[group].add(app.owner, amount, app.is_sme, bool(app.form.get("first_loan")))
    return {group: tally.figures() for group, tally in tallies.items()}


def reported(get: Callable[[str], dict]) -> dict[tuple[str, str], dict]:
    """What the API reports, keyed as `recompute`; `get(path)` returns a 200 reply's JSON."""
    from chalicelib.domain.application import STATS_GROUPS
    out = {WHOLE_CITY: get("/stats")}
    for dimension in STATS_GROUPS:
        body = get(f"/stats?group_by={dimension}")
        out.update(((dimension, g["key"]), {k: v for k, v in g.items() if k != "key"}) for g in body["groups"])
    return out


def mismatches(counted: dict, recomputed: dict) -> list[str]:
    """One line per figure that differs: the figure, the group, the counter's value and the
    recomputed one. A group only one side has is compared with a group of no approvals (an
    offer accepted from another bank leaves the first bank's group at zero)."""
    zero = Tally().figures()
    lines = []
    for group in sorted(set(counted) | set(recomputed)):
        have, want = counted.get(group, zero), recomputed.get(group, zero)
        for figure, expected in want.items():
            value = have.get(figure)
            if not _same(figure, value, expected):
                where = "whole city" if group == WHOLE_CITY else f"{group[0]}={group[1]}"
                lines.append(f"{figure} [{where}]: counters say {value}, the applications say {expected}")
    return lines


def _same(figure: str, value, expected) -> bool:
    if value is None:
        return False
    if figure in AMOUNTS:
        return abs(Decimal(str(value)) - Decimal(str(expected))) < Decimal("0.005")
    if figure in SHARES:
        return abs(value - expected) < 1e-9
    return value == expected


def check(get: Callable[[str], dict], applications: Iterable) -> list[str]:
    """Every difference between `GET /stats` (all groupings) and the applications; [] if none."""
    return mismatches(reported(get), recompute(applications))
