"""Complaints (投诉): filed by an enterprise online, or recorded for it by window staff from the
12345 hotline or an app; answered and closed by the window; flagged once when left unanswered
past the due day. Pure: the channels and the answer period come in as `ComplaintRules`, read from
`data/complaints.yaml` by the service layer.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Conflict
from .notifications import Notice

OPEN, OVERDUE, CLOSED = "open", "overdue", "closed"
STATUSES = (OPEN, OVERDUE, CLOSED)
ABOUT = ("review", "bank", "service")
FILERS = ("enterprise", "window")   # who may use a channel: the enterprise itself, or window staff for it
MAX_WORKING_DAYS = 30


@dataclass(frozen=True)
class Channel:
    id: str
    zh: str
    en: str
    filed_by: str

    def to_view(self) -> dict:
        return {"id": self.id, "zh": self.zh, "en": self.en, "filed_by": self.filed_by}


@dataclass(frozen=True)
class ComplaintRules:
    """The answer period (working days) and the channels, by id, from the data file."""
    answer_within_working_days: int
    channels: dict[str, Channel]

    def channels_for(self, filer: str) -> list[str]:
        return [c.id for c in self.channels.values() if c.filed_by == filer]

    @classmethod
    def from_dict(cls, doc) -> "ComplaintRules":
        problems = rules_problems(doc)
        if problems:
            raise ValueError("complaint rules: " + "; ".join(problems))
        return cls(doc["answer_within_working_days"],
                   {str(k): Channel(str(k), v["zh"], v["en"], v["filed_by"]) for k, v in doc["channels"].items()})


def rules_problems(doc) -> list[str]:
    """Every way the document is not usable complaint rules (all at once, for one fix)."""
    if not isinstance(doc, dict):
        return ["the file must be a mapping with answer_within_working_days and channels"]
    problems = []
    days = doc.get("answer_within_working_days")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_WORKING_DAYS:
        problems.append(f"answer_within_working_days: a whole number of working days, 1–{MAX_WORKING_DAYS}")
    channels = doc.get("channels")
    if not isinstance(channels, dict) or not channels:
        return problems + ["channels: a mapping of channel ids to {zh, en, filed_by}"]
    for cid, spec in channels.items():
        if not isinstance(spec, dict) or not all(isinstance(spec.get(k), str) and spec[k].strip() for k in ("zh", "en")):
            problems.append(f"channel {cid}: needs zh and en names")
        elif spec.get("filed_by") not in FILERS:
            problems.append(f"channel {cid}: filed_by is one of {', '.join(FILERS)}")
    if not problems and not any(s["filed_by"] == "enterprise" for s in channels.values()):
        problems.append("channels: one must be filed_by enterprise (the online channel)")
    return problems


@dataclass
class Complaint:
    id: str
    owner: str                  # the enterprise's USCC
    channel: str
    about: str                  # review | bank | service
    text: str
    due: str                    # the last day to answer it (a date)
    created_at: str
    recorded_by: str | None = None      # the window staff id that recorded it from another channel
    application_id: str | None = None
    agency: str | None = None           # the reviewer complained about (about: review)
    status: str = OPEN
    overdue_at: str | None = None
    answer: dict | None = None          # {text, by, at} once answered
    version: int = 0                    # the stored version (0: not stored yet)
    notices: list[Notice] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def file(cls, *, complaint_id: str, owner: str, channel: str, about: str, text: str, due: str, now: str,
             recorded_by: str | None = None, application_id: str | None = None,
             agency: str | None = None) -> "Complaint":
        return cls(complaint_id, owner, channel, about, text, due, now, recorded_by, application_id, agency)

    @property
    def awaiting_deadline(self) -> bool:
        """Open and not yet found late: what the deadline schedule looks through."""
        return self.status == OPEN

    def may_be_seen_by(self, role: str, subject: str) -> bool:
        """The enterprise, window staff, and the reviewer (a purchasing unit) it is about."""
        if role == "window":
            return True
        if role == "enterprise":
            return subject == self.owner
        return role == "agency" and self.agency is not None and subject == self.agency

    def answer_with(self, text: str, by: str, now: str) -> None:
        """Close it with the window's answer and tell the enterprise; a closed one cannot be answered again."""
        if self.status == CLOSED:
            raise Conflict.single("", "complaint_closed", "该投诉已答复办结，不能再次答复",
                                  "This complaint has been answered and closed already")
        self.status, self.answer = CLOSED, {"text": text, "by": by, "at": now}
        self._notify("complaint_answered")

    def mark_overdue(self, today: str, now: str) -> bool:
        """Flag an open complaint whose due day is before `today` and tell the enterprise, once:
        False, changing nothing, if it is answered, flagged already or not late."""
        if self.status != OPEN or not self.due < today:
            return False
        self.status, self.overdue_at = OVERDUE, now
        self._notify("complaint_overdue", due=self.due)
        return True

    def _notify(self, kind: str, **facts) -> None:
        self.notices.append(Notice(kind, self.owner, self.application_id, facts))

    def committed(self) -> None:
        """After the store wrote it: the next write is conditional on this version."""
        self.version += 1
        self.notices = []

    def to_record(self) -> dict:
        return {"id": self.id, "owner": self.owner, "channel": self.channel, "about": self.about,
                "text": self.text, "due": self.due, "created_at": self.created_at,
                "recorded_by": self.recorded_by, "application_id": self.application_id, "agency": self.agency,
                "status": self.status, "overdue_at": self.overdue_at, "answer": self.answer}

    @classmethod
    def from_record(cls, rec: dict, version: int) -> "Complaint":
        return cls(**rec, version=version)

    def to_view(self, rules: ComplaintRules) -> dict:
        channel = rules.channels.get(self.channel)
        view = {"id": self.id, "status": self.status, "due": self.due, "channel": self.channel,
                "channel_name": {"zh": channel.zh, "en": channel.en} if channel else None,
                "about": self.about, "text": self.text, "uscc": self.owner, "created_at": self.created_at,
                "application_id": self.application_id, "agency": self.agency, "overdue_at": self.overdue_at,
                "answer": self.answer}
        if self.recorded_by is not None:
            view["recorded_by"] = self.recorded_by
        return view
