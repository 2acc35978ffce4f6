"""Consultation threads in memory (mixed into `InMemoryApplicationStore`), held equal to the
DynamoDB side (`dynamodb_threads.py`) by tests/contract/test_threads_contract.py."""
from __future__ import annotations

import copy

from ..domain.threads import Thread, ThreadMessage
from ..services.ports import Page, StaleVersion


class InMemoryThreadStore:
    """Needs the host store's `_lock`, `_idem`, `_outbox` and `_notifications`."""

    def _thread_rows(self) -> dict:
        if not hasattr(self, "_threads"):
            self._threads: dict[str, dict] = {}
            self._thread_msgs: dict[str, list[ThreadMessage]] = {}
            self._thread_unread: dict[str, int] = {}
        return self._threads

    def thread(self, thread_id: str) -> Thread | None:
        with self._lock:
            rec = self._thread_rows().get(thread_id)
            return Thread.from_record(copy.deepcopy(rec)) if rec else None

    def thread_messages(self, thread_id: str) -> list[ThreadMessage]:
        with self._lock:
            self._thread_rows()
            return sorted(self._thread_msgs.get(thread_id, ()), key=lambda m: m.id)

    def _threads_where(self, keep, limit: int, cursor: str | None) -> Page:
        from .memory import _page
        with self._lock:
            recs = [r for r in self._thread_rows().values() if keep(r)]
        recs.sort(key=lambda r: (r["last_at"], r["id"]), reverse=True)
        return _page([Thread.from_record(copy.deepcopy(r)) for r in recs], limit, cursor)

    def threads_for_owner(self, owner: str, limit: int, cursor: str | None) -> Page:
        return self._threads_where(lambda r: r["owner"] == owner, limit, cursor)

    def all_threads(self, unanswered: bool, limit: int, cursor: str | None) -> Page:
        return self._threads_where(lambda r: not unanswered or Thread.from_record(copy.deepcopy(r)).awaits_window,
                                   limit, cursor)

    def thread_unread_total(self, owner: str) -> int:
        with self._lock:
            self._thread_rows()
            return self._thread_unread.get(owner, 0)

    def save_thread(self, thread: Thread, *, notifications=(), idempotency=None) -> None:
        with self._lock:
            stored = self._thread_rows().get(thread.id)
            if (stored["version"] if stored else 0) != thread.version:
                raise StaleVersion(thread.id)
            self._refuse_taken(f"thread {thread.id}", notifications, idempotency)
            self._threads[thread.id] = copy.deepcopy(thread.to_record()) | {"version": thread.version + 1}
            self._thread_msgs.setdefault(thread.id, []).extend(thread.new_messages)
            self._thread_unread[thread.owner] = self._thread_unread.get(thread.owner, 0) + thread.owner_unread_change
            self._keep(notifications, idempotency)
