"""Paging cursors a client holds: sealed, so they are opaque and tamper-evident.

A store's cursor is its own position (DynamoDB's LastEvaluatedKey, which holds keys such as an
enterprise's USCC). The client gets it encrypted and authenticated (Fernet: AES-CBC with an
HMAC), bound to the listing it came from and valid for a day; anything else is a 400 before the
store sees it. Access logs that record query strings then hold nothing readable.
"""
from __future__ import annotations

import base64
import hashlib
import json

from ..domain.errors import ValidationFailed

CURSOR_SECONDS = 24 * 3600


def bad_cursor() -> ValidationFailed:
    return ValidationFailed.single("/cursor", "cursor", "分页游标无效或已过期，请从第一页重新开始",
                                   "The cursor is not valid (or has expired); start again from the first page")


class CursorSeal:
    def __init__(self, secret: str):
        from cryptography.fernet import Fernet   # on the first listing, not at cold start
        key = base64.urlsafe_b64encode(hashlib.sha256(f"cursor:{secret}".encode()).digest())
        self._fernet = Fernet(key)

    def seal(self, listing: str, position: str | None) -> str | None:
        if position is None:
            return None
        return self._fernet.encrypt(json.dumps([listing, position]).encode()).decode()

    def open(self, listing: str, cursor: str | None) -> str | None:
        """The store's position, if `cursor` was sealed here for this same listing; else 400."""
        if not cursor:
            return None
        from cryptography.fernet import InvalidToken
        try:
            sealed_for, position = json.loads(self._fernet.decrypt(cursor.encode(), ttl=CURSOR_SECONDS))
        except (InvalidToken, ValueError, TypeError, UnicodeError):
            raise bad_cursor() from None
        if sealed_for != listing or not isinstance(position, str):
            raise bad_cursor()
        return position

    def page(self, listing: str, cursor: str | None, fetch) -> tuple[list, str | None]:
        """One page of a listing: `fetch(position)` from where the client's cursor says (a position
        the store refuses is a bad cursor too); the page's items and the next page's cursor."""
        position = self.open(listing, cursor)
        try:
            found = fetch(position)
        except ValueError:
            raise bad_cursor() from None
        return found.items, self.seal(listing, found.cursor)
