"""What the enterprise is told, and the words it is told in.

A change that the enterprise must know of raises a `Notice` (its kind and the facts of the
change); the service layer puts it into words from `data/notifications.yaml` and the store
writes the resulting `Notification` and its gateway message in the same transaction as the
change. Kinds are names in that data file, not an enumeration here: a new kind is one entry
there plus the `notice(...)` call of the change that raises it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

NOTIFICATIONS_QUEUE = "notifications"   # the SMS/e-mail gateway's queue (resources.NOTIFICATIONS_KEY)


@dataclass(frozen=True)
class Notice:
    """A change the enterprise `recipient` (USCC) must be told of, before it has words."""
    kind: str
    recipient: str
    application_id: str | None = None
    facts: dict = field(default_factory=dict)   # the placeholders' raw values: agency, bank, reason …


@dataclass(frozen=True)
class Notification:
    id: str
    recipient: str
    kind: str
    at: str
    text_zh: str
    text_en: str
    application_id: str | None = None
    read: bool = False

    def to_view(self) -> dict:
        """What the enterprise reads in the app (DESIGN: Notifications)."""
        view = {"id": self.id, "kind": self.kind, "at": self.at, "text_zh": self.text_zh,
                "text_en": self.text_en, "read": self.read}
        if self.application_id is not None:
            view["application_id"] = self.application_id
        return view

    def gateway_message(self) -> dict:
        """The body the SMS/e-mail gateway receives on the notifications queue."""
        return {"notification_id": self.id, "uscc": self.recipient, "kind": self.kind,
                "text_zh": self.text_zh, "text_en": self.text_en}

    def to_record(self) -> dict:
        return {"id": self.id, "recipient": self.recipient, "kind": self.kind, "at": self.at,
                "text_zh": self.text_zh, "text_en": self.text_en, "application_id": self.application_id,
                "read": self.read}

    @classmethod
    def from_record(cls, rec: dict) -> "Notification":
        return cls(**rec)
