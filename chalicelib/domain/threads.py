"""Consultation (咨询): an enterprise's threads with the service window, and call requests.

A `Thread` is one conversation, general or about one of the enterprise's applications. Each side
(`enterprise`, `window`) has an unread count: a message raises the other side's count, reading the
thread clears the reader's own. Call requests (voice or video) live in the thread: the enterprise
asks for a slot in the window's service hours on a working day; window staff confirm it or propose
another slot. Like `Application`, a thread collects what a change must write with it (new
messages, notices, the change of its owner's unread total) until the store has written it.

Pure: the hours come from `data/service_hours.yaml` as `ServiceHours`, the working days from the
calendar port, the clock's reading from the caller.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone

from .errors import Conflict, FieldError, NotFound, ValidationFailed
from .notifications import Notice

SIDES = ("enterprise", "window")
CALL_KINDS = ("voice", "video")
SUBJECT_MAX, TEXT_MAX = 200, 2000
REQUESTED, CONFIRMED, PROPOSED = "requested", "confirmed", "proposed"
# The kinds of notification the window's answers raise (texts in data/notifications.yaml).
ANSWERED, CALL_CONFIRMED, CALL_PROPOSED = "message_answered", "call_confirmed", "call_proposed"


def other(side: str) -> str:
    return "window" if side == "enterprise" else "enterprise"


def trimmed(value, path: str, limit: int, what: tuple[str, str]) -> str:
    """`value` without surrounding blanks, 1..limit characters; else 400 at `path`."""
    text = value.strip() if isinstance(value, str) else ""
    if not 1 <= len(text) <= limit:
        raise ValidationFailed.single(path, "length", f"{what[0]}须为 1–{limit} 个字（不计首尾空白）",
                                      f"The {what[1]} must be 1–{limit} characters (leading and trailing blanks aside)")
    return text


# ---- service hours -------------------------------------------------------------------------------
class ServiceHoursError(ValueError):
    pass


@dataclass(frozen=True)
class ServiceHours:
    """When the window takes calls: periods of a working day, in a fixed UTC offset."""
    periods: tuple[tuple[time, time], ...]
    offset: timezone
    call_minutes: int
    source: str

    @classmethod
    def from_dict(cls, doc) -> "ServiceHours":
        """Checked as loaded: every period "HH:MM" to a later "HH:MM", none overlapping."""
        try:
            sign, hours, minutes = doc["utc_offset"][0], *map(int, doc["utc_offset"][1:].split(":"))
            offset = timezone((1 if sign == "+" else -1) * timedelta(hours=hours, minutes=minutes))
            periods = tuple(sorted((time.fromisoformat(p["start"]), time.fromisoformat(p["end"]))
                                   for p in doc["periods"]))
            call_minutes, source = int(doc["call_minutes"]), str(doc["source"])
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ServiceHoursError(f"service hours: needs source, utc_offset (+HH:MM), call_minutes and "
                                    f"periods of {{start, end}} as HH:MM ({exc})") from None
        if not periods or call_minutes < 1 or any(start >= end for start, end in periods) or any(
                a[1] > b[0] for a, b in zip(periods, periods[1:])):
            raise ServiceHoursError("service hours: periods must be non-empty, each start before its end, "
                                    "none overlapping; call_minutes at least 1")
        return cls(periods, offset, call_minutes, source)

    def in_words(self) -> tuple[str, str]:
        spans = [f"{s:%H:%M}–{e:%H:%M}" for s, e in self.periods]
        return "、".join(spans), ", ".join(spans)

    def holds(self, at: datetime) -> bool:
        """A call starting at `at` (in this offset) starts and ends inside one period."""
        start = at.time().replace(tzinfo=None)
        end = (datetime.combine(date.min, start) + timedelta(minutes=self.call_minutes)).time()
        return any(s <= start and end <= e and end > start for s, e in self.periods)

    def check_slot(self, value, now: datetime, is_working_day, path: str = "/slot") -> str:
        """The slot as an ISO datetime in the window's offset, if a call may be held then: in the
        future, on a working day, in the service hours. A slot without an offset is local time."""
        try:
            at = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
        except ValueError:
            at = None
        if at is None:
            raise ValidationFailed.single(path, "format", "时间须为 ISO 日期时间，如 2025-10-11T10:00:00+08:00",
                                          "The slot must be an ISO date and time, e.g. 2025-10-11T10:00:00+08:00")
        at = at.replace(tzinfo=self.offset) if at.tzinfo is None else at.astimezone(self.offset)
        zh, en = self.in_words()
        if at <= now:
            raise ValidationFailed.single(path, "past", "预约时间须晚于当前时间", "The slot must be in the future")
        if not is_working_day(at.date()):
            raise ValidationFailed.single(path, "not_working_day", f"{at.date()} 不是工作日（按国家法定节假日及调休安排）",
                                          f"{at.date()} is not a working day (PRC public holidays and make-up days)")
        if not self.holds(at):
            raise ValidationFailed.single(
                path, "outside_working_hours",
                f"预约时间须在工作时间内（{zh}，通话 {self.call_minutes} 分钟须在同一时段内结束）",
                f"The slot must be in working hours ({en}; the {self.call_minutes}-minute call must end in the same period)")
        return at.isoformat(timespec="seconds")


# ---- the thread ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ThreadMessage:
    id: str               # time-ordered (ULID): the store lists a thread's messages oldest first by id
    thread_id: str
    side: str             # enterprise | window
    author: str           # the actor's label (staff id for the window; kept, not shown to the enterprise)
    text: str
    at: str

    def to_view(self, read: bool, staff: bool) -> dict:
        view = {"id": self.id, "from": self.side, "text": self.text, "at": self.at, "read": read}
        return view | {"author": self.author} if staff else view

    def to_record(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CallRequest:
    id: str
    kind: str             # voice | video
    slot: str             # what the enterprise asked for
    status: str           # requested | confirmed | proposed
    requested_at: str
    proposed_slot: str | None = None
    answered_at: str | None = None
    answered_by: str | None = None

    def to_view(self) -> dict:
        view = {"id": self.id, "kind": self.kind, "slot": self.slot, "status": self.status,
                "requested_at": self.requested_at}
        if self.proposed_slot:
            view["proposed_slot"] = self.proposed_slot
        if self.answered_at:
            view["answered_at"] = self.answered_at
        return view


def slot_in_words(slot: str) -> str:
    """"2025-10-11T10:00:00+08:00" → "2025-10-11 10:00" (for the notification's text)."""
    return slot[:16].replace("T", " ")


@dataclass
class Thread:
    id: str
    owner: str                      # the enterprise's USCC
    subject: str
    created_at: str
    last_at: str                    # the latest activity: newest first in every list
    last_from: str                  # the side of the latest message
    unread_enterprise: int = 0      # window messages the enterprise has not read
    unread_window: int = 0          # enterprise messages no window staff has read
    read_at_enterprise: str | None = None
    read_at_window: str | None = None
    application_id: str | None = None
    call_requests: list[CallRequest] = field(default_factory=list)
    version: int = 0
    # effects a change collects until the store writes them (not stored)
    new_messages: list[ThreadMessage] = field(default_factory=list, repr=False)
    notices: list[Notice] = field(default_factory=list, repr=False)
    owner_unread_change: int = field(default=0, repr=False)

    @classmethod
    def start(cls, thread_id: str, owner: str, subject: str, application_id: str | None,
              message: ThreadMessage) -> "Thread":
        thread = cls(id=thread_id, owner=owner, subject=subject, created_at=message.at, last_at=message.at,
                     last_from="enterprise", application_id=application_id)
        thread._add(message)
        return thread

    @property
    def awaits_window(self) -> bool:
        """What window staff must act on: the last message is the enterprise's, or a call request
        is not yet confirmed nor answered with another slot (the `?unanswered=true` list)."""
        return self.last_from == "enterprise" or any(c.status == REQUESTED for c in self.call_requests)

    def unread(self, side: str) -> int:
        return self.unread_enterprise if side == "enterprise" else self.unread_window

    def post(self, message: ThreadMessage) -> None:
        """A message from either side; an answer by the window is the enterprise's to be told of."""
        self._add(message)
        if message.side == "window":
            self.notices.append(Notice(ANSWERED, self.owner, self.application_id, {"subject": self.subject}))

    def _add(self, message: ThreadMessage) -> None:
        self.new_messages.append(message)
        self.last_at, self.last_from = message.at, message.side
        if message.side == "window":
            self.unread_enterprise += 1
            self.owner_unread_change += 1
        else:
            self.unread_window += 1

    def read_by(self, side: str, at: str) -> bool:
        """The other side's messages now read by `side`; False if there was nothing unread."""
        if not self.unread(side):
            return False
        if side == "enterprise":
            self.owner_unread_change -= self.unread_enterprise
            self.unread_enterprise, self.read_at_enterprise = 0, at
        else:
            self.unread_window, self.read_at_window = 0, at
        return True

    def was_read(self, message: ThreadMessage) -> bool:
        """Read by the side it was written to (its author's side has always read it)."""
        read_at = self.read_at_window if message.side == "enterprise" else self.read_at_enterprise
        return read_at is not None and message.at <= read_at

    # ---- call requests ---------------------------------------------------------------------------
    def request_call(self, request_id: str, kind: str, slot: str, at: str) -> CallRequest:
        call = CallRequest(request_id, kind, slot, REQUESTED, at)
        self.call_requests.append(call)
        self.last_at = at
        return call

    def answer_call(self, request_id: str, staff: str, at: str, proposed_slot: str | None = None) -> CallRequest:
        """Confirm the requested slot, or (with `proposed_slot`) propose another; once only."""
        n, call = next(((n, c) for n, c in enumerate(self.call_requests) if c.id == request_id), (None, None))
        if call is None:
            raise NotFound.single("", "not_found", "预约不存在", "No such call request")
        if call.status != REQUESTED:
            raise Conflict(FieldError("", "call_request_answered", "该预约已答复（已确认或已建议其他时间）",
                                      "This call request was answered already (confirmed, or another slot proposed)"))
        answered = replace(call, status=PROPOSED if proposed_slot else CONFIRMED, proposed_slot=proposed_slot,
                           answered_at=at, answered_by=staff)
        self.call_requests[n] = answered
        self.last_at = at
        kind = CALL_PROPOSED if proposed_slot else CALL_CONFIRMED
        self.notices.append(Notice(kind, self.owner, self.application_id, {
            "subject": self.subject, "slot": slot_in_words(proposed_slot or call.slot)}))
        return answered

    # ---- views and records -----------------------------------------------------------------------
    def summary(self) -> dict:
        view = {"id": self.id, "subject": self.subject, "owner": self.owner, "created_at": self.created_at,
                "last_at": self.last_at, "last_from": self.last_from, "unanswered": self.awaits_window,
                "unread_enterprise": self.unread_enterprise, "unread_window": self.unread_window,
                "call_requests": [c.to_view() for c in self.call_requests]}
        if self.application_id:
            view["application_id"] = self.application_id
        return view

    def to_record(self) -> dict:
        return {"id": self.id, "owner": self.owner, "subject": self.subject, "created_at": self.created_at,
                "last_at": self.last_at, "last_from": self.last_from, "unread_enterprise": self.unread_enterprise,
                "unread_window": self.unread_window, "read_at_enterprise": self.read_at_enterprise,
                "read_at_window": self.read_at_window, "application_id": self.application_id,
                "call_requests": [asdict(c) for c in self.call_requests], "version": self.version}

    @classmethod
    def from_record(cls, rec: dict) -> "Thread":
        rec = dict(rec)
        rec["call_requests"] = [CallRequest(**c) for c in rec.get("call_requests", ())]
        return cls(**rec)

    def committed(self) -> None:
        """The store wrote this version and its effects: drop them, count the version."""
        self.version += 1
        self.new_messages, self.notices, self.owner_unread_change = [], [], 0
