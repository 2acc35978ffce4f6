"""Deadlines that escalate: a review still pending after its due day is flagged late, once; a
renewal its previous bank let its working days pass on goes to the other chosen banks, once;
an open complaint past its due day is flagged overdue, once (services/complaints.py, on `sweep`).

Run on a schedule (app.py; every 5 s in `make run`). It reads only the reviews the index holds
as pending and not yet late whose due day has passed (a Query, never a Scan), and flags each
through the application aggregate, in one transaction with its history entry and the
enterprise's notification, conditional on the application's version. A retried or concurrent
run that lost the race reads the application again, finds the review flagged, and does nothing.
"""
from __future__ import annotations

import logging

from ..domain.errors import Conflict
from .applications import attempts, commit, now_iso, today

log = logging.getLogger("getting_credit.deadlines")

PAGE = 100
MAX_PAGES = 50   # 5,000 reviews per run at most: a run ends well inside Lambda's time limit


def flag_overdue_reviews(deps) -> int:
    """Flag every late review this run reaches; how many it flagged (0 when another run did)."""
    return sweep(deps, deps.store.reviews_due_before,
                  lambda entry, day: flag_one(deps, entry.application_id, entry.id, day), "review")


def sweep(deps, due_before, act, what: str) -> int:
    """`act(entry, day)` on every entry `due_before(day, …)` lists, a page at a time up to
    MAX_PAGES; how many it changed. An application that kept changing is left to the next run."""
    day = today(deps).isoformat()
    changed, cursor = 0, None
    for _ in range(MAX_PAGES):
        page = due_before(day, PAGE, cursor)
        for entry in page.items:
            try:
                changed += act(entry, day)
            except Conflict:   # lost every race this time: the next run tries again
                log.warning("%s %s left to the next run: it kept changing", what,
                            getattr(entry, "id", None) or entry.application_id)
        cursor = page.cursor
        if not cursor:
            break
    return changed


def release_renewals(deps) -> int:
    """Renewals whose previous bank let its working days pass without an answer, sent to the
    other chosen banks, each once; how many this run sent."""
    return sweep(deps, deps.store.renewals_due_before,
                  lambda entry, day: release_one(deps, entry.application_id, day), "renewal")


def release_one(deps, application_id: str, day: str) -> bool:
    for _ in attempts():
        app = deps.store.get(application_id)
        if app is None or not app.release_if_due(day, now_iso(deps)):
            return False
        if commit(deps, app, {}, None) is not None:
            return True


def flag_one(deps, application_id: str, review_id: str, day: str) -> bool:
    for _ in attempts():
        app = deps.store.get(application_id)
        if app is None or not app.mark_overdue(review_id, day, now_iso(deps)):
            return False
        if commit(deps, app, {}, None) is not None:
            return True
