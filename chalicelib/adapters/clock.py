"""Clock, id generator and the PRC working-day calendar (public holidays and 调休 make-up days)."""
from __future__ import annotations

import os
import threading
import time
from datetime import date, datetime, timedelta, timezone

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class UlidGenerator:
    """Time-ordered ids (ULID layout): sortable, unguessable enough, no coordination needed."""

    def __init__(self):
        self._lock = threading.Lock()
        self._last = 0

    def new_id(self) -> str:
        with self._lock:
            ms = max(int(time.time() * 1000), self._last)
            self._last = ms
        value = (ms << 80) | int.from_bytes(os.urandom(10), "big")
        return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


class ChinaWorkingCalendar:
    """Counts working days with the `holidays` package's China calendar, 调休 included.

    The package takes about 2.5 us to answer for one day, and a submission asks for dozens (each
    review's deadline, the renewal wait, the countdowns in its view): so each year's working days
    are asked once, when a day of that year is first asked about, and kept (a few KiB a year)."""

    def __init__(self):
        self._calendar = None
        self._working_days: dict[int, frozenset[date]] = {}

    def _cal(self):
        if self._calendar is None:
            import holidays  # imported on first deadline, not at cold start
            self._calendar = holidays.China()
        return self._calendar

    def _working_days_of(self, year: int) -> frozenset[date]:
        days = self._working_days.get(year)
        if days is None:
            cal, first = self._cal(), date(year, 1, 1)
            length = (date(year, 12, 31) - first).days + 1
            days = frozenset(day for day in (first + timedelta(days=n) for n in range(length))
                             if cal.is_working_day(day))
            self._working_days[year] = days
        return days

    def add_working_days(self, start: date, days: int) -> date:
        current, left = start, days
        while left > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                left -= 1
        return current

    def is_working_day(self, day: date) -> bool:
        return day in self._working_days_of(day.year)

    def working_days_until(self, today: date, due: date) -> int:
        """The working days after `today` up to and including `due` (0: due today); once `due` has
        passed, minus the working days from `due` up to yesterday."""
        if due >= today:
            return sum(self.is_working_day(today + timedelta(days=n)) for n in range(1, (due - today).days + 1))
        return -sum(self.is_working_day(due + timedelta(days=n)) for n in range((today - due).days))
