"""The kinds of queue message, sent as each message's `type` attribute (README, "Queues").

A bank's queue carries `application` (the application to decide), `accepted` (the enterprise
took this bank's offer) and `closed` (no decision is wanted any more: accepted elsewhere, or
withdrawn; it never says which bank won). Agencies get `review_requested`, the SMS/e-mail
gateway `notification`.
"""
from __future__ import annotations

APPLICATION = "application"
ACCEPTED = "accepted"
CLOSED = "closed"
REVIEW_REQUESTED = "review_requested"
NOTIFICATION = "notification"

ACCEPTED_ELSEWHERE = "accepted_elsewhere"
WITHDRAWN = "withdrawn"


def message_type(queue: str, body) -> str:
    """The type of a message stored before messages carried one: only v1's kinds existed then."""
    if isinstance(body, dict) and isinstance(body.get("type"), str):
        return body["type"]
    return NOTIFICATION if queue == "notifications" else APPLICATION
