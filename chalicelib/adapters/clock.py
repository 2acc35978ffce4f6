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
    """Counts working days with the `holidays` package's China calendar, 调休 included."""

    def __init__(self):
        self._calendar = None

    def _cal(self):
        if self._calendar is None:
            import holidays  # imported on first deadline, not at cold start
            self._calendar = holidays.China()
        return self._calendar

    def add_working_days(self, start: date, days: int) -> date:
        cal, current, left = self._cal(), start, days
        while left > 0:
            current += timedelta(days=1)
            if cal.is_working_day(current):
                left -= 1
        return current

    def is_working_day(self, day: date) -> bool:
        return self._cal().is_working_day(day)

    def working_days_until(self, today: date, due: date) -> int:
        """The working days after `today` up to and including `due` (0: due today); once `due` has
        passed, minus the working days from `due` up to yesterday."""
        if due >= today:
            return sum(self.is_working_day(today + timedelta(days=n)) for n in range(1, (due - today).days + 1))
        return -sum(self.is_working_day(due + timedelta(days=n)) for n in range((today - due).days))
