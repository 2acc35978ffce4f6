"""The service's pieces on in-memory fakes, for the use-case tests: no AWS, no HTTP."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

from chalicelib.adapters.memory import InMemoryApplicationStore, InMemoryFiles, InMemorySender
from chalicelib.bootstrap import Container
from chalicelib.settings import Settings
from tests.builders import catalog, forms

BEIJING = timezone(timedelta(hours=8))


class MovableClock:
    """A clock a test sets to a day (10:00 Beijing time unless told)."""

    def __init__(self, day: date):
        self.set(day)

    def set(self, day: date, hour: int = 10) -> None:
        self.at = datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)

    def now(self) -> datetime:
        return self.at


class CountingIds:
    def __init__(self):
        self._next = itertools.count(1)

    def new_id(self) -> str:
        return f"ID{next(self._next):04d}"


def in_memory_deps(engine, clock, calendar) -> Container:
    """A container whose store, queues and bucket are the in-memory fakes; the rules are `engine`."""
    return Container(Settings.from_env({"GC_STAGE": "test"}), store=InMemoryApplicationStore(),
                     sender=InMemorySender(), clock=clock, ids=CountingIds(), calendar=calendar,
                     engine=engine, forms=forms(), catalog=catalog(), files=InMemoryFiles())


def another_run_between_read_and_write(store, read: str, other_run) -> list:
    """Let the next `store.<read>(…)` call `other_run()` to completion before returning what it
    read: the race a conditional write must lose. Returns the list that will hold what the other
    run returned."""
    real, results = getattr(store, read), []

    def read_then_let_the_other_run_win(*args):
        found = real(*args)
        if not results:
            setattr(store, read, real)
            results.append(other_run())
            setattr(store, read, read_then_let_the_other_run_win)
        return found
    setattr(store, read, read_then_let_the_other_run_win)
    return results
