"""Consultation threads in both stores: the in-memory fake must behave like DynamoDB (on moto)."""
import pytest

from chalicelib.domain.notifications import Notification
from chalicelib.domain.threads import Thread, ThreadMessage
from chalicelib.services.ports import IdempotencyKeyTaken, IdempotencyRecord, StaleVersion
from tests.contract.test_store_contract import store  # noqa: F401 (the fixture: both stores)

AT = "2025-10-09T{:02d}:00:00.000+08:00"


def message(n: int, thread_id: str = "T1", side: str = "enterprise", hour: int = 9) -> ThreadMessage:
    return ThreadMessage(f"M{n:03d}", thread_id, side, f"{side}:x", f"text {n}", AT.format(hour))


def new_thread(thread_id: str = "T1", owner: str = "U1", hour: int = 9) -> Thread:
    return Thread.start(thread_id, owner, "subject", None, message(hour, thread_id, hour=hour))


def save(store, thread: Thread, **kwargs) -> None:
    store.save_thread(thread, **kwargs)
    thread.committed()


def notice(n: int, owner: str = "U1") -> Notification:
    return Notification(f"N{n:03d}", owner, "message_answered", AT.format(10), "回复了", "answered")


def test_a_thread_reads_back_with_its_messages_oldest_first(store):
    thread = new_thread()
    save(store, thread)
    thread.post(message(11, side="window", hour=11))
    thread.post(message(10, hour=10))
    save(store, thread)
    back = store.thread("T1")
    assert back.to_record() == thread.to_record() and back.version == 2
    assert [m.id for m in store.thread_messages("T1")] == ["M009", "M010", "M011"]
    assert store.thread("missing") is None and store.thread_messages("missing") == []


def test_a_stale_thread_loses_and_writes_nothing(store):
    save(store, new_thread())
    first, second = store.thread("T1"), store.thread("T1")
    first.post(message(10, side="window", hour=10))
    save(store, first)
    second.post(message(11, side="window", hour=11))
    with pytest.raises(StaleVersion):
        store.save_thread(second, notifications=[notice(1)])
    assert [m.id for m in store.thread_messages("T1")] == ["M009", "M010"]
    assert store.thread_unread_total("U1") == 1
    assert store.notifications("U1", False, 10, None).items == []
    with pytest.raises(StaleVersion):
        save(store, new_thread())      # the same new thread twice


def test_an_answer_writes_its_notification_and_gateway_message_with_it(store):
    thread = new_thread()
    save(store, thread)
    thread.post(message(10, side="window", hour=10))
    save(store, thread, notifications=[notice(1)])
    assert [n.id for n in store.notifications("U1", True, 10, None).items] == ["N001"]
    assert [m.body["notification_id"] for m in store.pending_outbox(10)] == ["N001"]


def test_the_owner_s_unread_total_moves_with_its_threads(store):
    one, two = new_thread("T1"), new_thread("T2")
    save(store, one)
    save(store, two)
    for n, thread in enumerate((one, two, two)):
        thread.post(message(20 + n, thread.id, "window", 10))
        save(store, thread)
    assert store.thread_unread_total("U1") == 3 and store.thread_unread_total("U2") == 0
    two.read_by("enterprise", AT.format(11))
    save(store, two)
    assert store.thread_unread_total("U1") == 1


def test_lists_are_newest_activity_first_and_page_with_a_cursor(store):
    for n, (owner, hour) in enumerate((("U1", 9), ("U2", 10), ("U1", 11))):
        save(store, new_thread(f"T{n}", owner, hour))
    old = store.thread("T0")
    old.post(message(50, "T0", "window", 12))
    save(store, old)
    page = store.all_threads(False, 2, None)
    rest = store.all_threads(False, 2, page.cursor)
    assert [t.id for t in page.items + rest.items] == ["T0", "T2", "T1"] and rest.cursor is None
    assert [t.id for t in store.threads_for_owner("U1", 10, None).items] == ["T0", "T2"]
    assert [t.id for t in store.all_threads(True, 10, None).items] == ["T2", "T1"]   # T0 was answered


def test_a_pending_call_request_keeps_a_thread_on_the_unanswered_list_until_answered(store):
    thread = new_thread()
    save(store, thread)
    thread.post(message(10, side="window", hour=10))
    call = thread.request_call("C1", "voice", "2025-10-11T10:00:00+08:00", AT.format(11))
    save(store, thread)
    assert [t.id for t in store.all_threads(True, 10, None).items] == ["T1"]
    thread.answer_call(call.id, "window:w001", AT.format(12))
    save(store, thread)
    assert store.all_threads(True, 10, None).items == []
    assert store.thread("T1").call_requests[0].status == "confirmed"


def test_an_idempotency_key_is_taken_once_by_a_thread(store):
    rec = IdempotencyRecord("enterprise:U1:thread", "k1", "h", 201, {"id": "T1"}, 2_000_000_000)
    save(store, new_thread("T1"), idempotency=rec)
    with pytest.raises(IdempotencyKeyTaken):
        save(store, new_thread("T2"), idempotency=rec)
    assert store.thread("T2") is None
    assert store.idempotent_response("enterprise:U1:thread", "k1").response == {"id": "T1"}


def test_a_tampered_thread_cursor_is_refused(store):
    with pytest.raises(ValueError):
        store.threads_for_owner("U1", 10, "not-a-cursor!")
