"""In-memory fakes of the store and the message sender, for fast unit tests of the services.

`tests/contract` runs the same suite against these and against DynamoDB/SQS on moto, so the
fakes behave like the real adapters: optimistic versions, idempotency keys, newest-first
listing, oldest-first pending reviews, opaque cursors.
"""
from __future__ import annotations

import copy
import dataclasses
import threading
from collections import defaultdict
from decimal import Decimal

from ..domain.application import Application, HistoryEntry
from ..domain.complaints import Complaint
from ..domain.notifications import Notification
from ..domain.material import AWAITING_UPLOAD, Material
from ..services.ports import (BankEntry, IdempotencyKeyTaken, IdempotencyRecord, MaterialRecord, MaterialTaken, OutboxItem,
                              Page, ParkedMessage,
                              PublishedRuleset, parked_message, RenewalEntry, ReviewEntry, RuleProposal, RulesetPublication, Snapshot,
                              StaleVersion, StatsChange, VersionTaken)
from .dynamodb import COUNTERS, gateway_message
from .memory_threads import InMemoryThreadStore


def _page(rows: list, limit: int, cursor: str | None) -> Page:
    start = int(cursor) if cursor else 0
    if cursor and not cursor.isdigit():
        raise ValueError("malformed cursor")
    chunk = rows[start:start + limit]
    more = start + limit < len(rows)
    return Page(chunk, str(start + limit) if more else None)


def _page_after(rows: list, key, limit: int, cursor: str | None) -> Page:
    """Like DynamoDB's LastEvaluatedKey: the next page starts after the last item's key, so an
    item leaving the list meanwhile (a late review flagged) does not shift the pages."""
    rows = sorted(rows, key=key)
    if cursor:
        rows = [r for r in rows if key(r) > tuple(cursor.split("\x1f"))]
    chunk = rows[:limit]
    more = len(rows) > limit
    return Page(chunk, "\x1f".join(key(chunk[-1])) if more else None)


class InMemoryApplicationStore(InMemoryThreadStore):
    def __init__(self):
        self._lock = threading.Lock()
        self._apps: dict[str, dict] = {}
        self._history: dict[str, list[HistoryEntry]] = defaultdict(list)
        self._reviews: dict[str, ReviewEntry] = {}
        self._bank_entries: dict[tuple[str, str], BankEntry] = {}
        self._renewals: dict[str, RenewalEntry] = {}
        self._idem: dict[tuple[str, str], IdempotencyRecord] = {}
        self._outbox: dict[str, OutboxItem] = {}
        self._notifications: dict[tuple[str, str], Notification] = {}
        self._parked: dict[str, ParkedMessage] = {}
        self._stats = {name: Decimal(0) for name in COUNTERS}
        self._approved_owners: set[str] = set()
        self._groups: dict[tuple[str, str], dict[str, Decimal]] = {}
        self._group_owner_approvals: dict[tuple[str, str, str], int] = {}
        self._rulesets: dict[tuple[str, str], PublishedRuleset] = {}
        self._rules_revision = 0
        self._ruleset_history: dict[str, dict[int, RulesetPublication]] = defaultdict(dict)
        self._proposals: dict[tuple[str, str], RuleProposal] = {}
        self._materials: dict[str, Material] = {}
        self._material_uses: dict[str, list[str]] = defaultdict(list)
        self._complaints: dict[str, tuple[dict, int]] = {}   # id → (record, version)

    def get(self, app_id: str) -> Application | None:
        with self._lock:
            rec = self._apps.get(app_id)
            return Application.from_record(copy.deepcopy(rec)) if rec else None

    def get_with_history(self, app_id: str) -> Snapshot | None:
        app = self.get(app_id)
        if app is None:
            return None
        with self._lock:
            return Snapshot(app, list(self._history[app_id]))

    def save(self, app: Application, *, idempotency: IdempotencyRecord | None = None,
             notifications: list[Notification] = ()) -> None:
        with self._lock:
            stored = self._apps.get(app.id)
            if (stored["version"] if stored else 0) != app.version:
                raise StaleVersion(app.id)
            self._refuse_taken(app.id, notifications, idempotency)
            history, outbox, stats = app.new_history, app.outbox, app.stats_change()
            self._apps[app.id] = copy.deepcopy(app.to_record()) | {"version": app.version + 1}
            self._history[app.id].extend(history)
            for r in app.reviews:
                self._reviews[r.id] = ReviewEntry.of(app.id, r)
            for b in BankEntry.all_of(app):
                self._bank_entries[(b.bank, b.application_id)] = b
            if (renewal := RenewalEntry.of(app)) is not None:
                self._renewals[app.id] = renewal
            else:
                self._renewals.pop(app.id, None)
            for m in outbox:
                self._outbox[m.message_id] = OutboxItem(m.message_id, m.queue, copy.deepcopy(m.body), m.type)
            if stats:
                self._count(stats)
            for material_id in app.new_materials:
                if app.id not in self._material_uses[material_id]:
                    self._material_uses[material_id].append(app.id)
            self._keep(notifications, idempotency)

    def _refuse_taken(self, what: str, notifications, idempotency: IdempotencyRecord | None) -> None:
        """What DynamoDB's conditions refuse in the same transaction: a used idempotency key first
        (its item is the transaction's last), then a notification written already."""
        if idempotency and (idempotency.scope, idempotency.key) in self._idem:
            raise IdempotencyKeyTaken()
        if any((n.recipient, n.id) in self._notifications for n in notifications):
            raise StaleVersion(f"notification of {what} exists")

    def _keep(self, notifications, idempotency: IdempotencyRecord | None) -> None:
        """A change's notifications, their gateway messages and its idempotency record."""
        for n in notifications:
            self._notifications[(n.recipient, n.id)] = n
            item = gateway_message(n)
            self._outbox[item.message_id] = item
        if idempotency:
            self._idem[(idempotency.scope, idempotency.key)] = idempotency

    def _count(self, change: StatsChange) -> None:
        for g in change.groups:
            self._count_group(change.owner, g)
        s = self._stats
        s["approved_amount"] += Decimal(str(change.amount))
        if not change.new_approval:
            return
        s["approved_count"] += 1
        s["approved_sme_count"] += int(change.sme)
        s["approved_first_loan_count"] += int(change.first_loan)
        if change.owner not in self._approved_owners:
            self._approved_owners.add(change.owner)
            s["approved_enterprises"] += 1

    def _count_group(self, owner: str, g) -> None:
        s = self._groups.setdefault((g.dimension, g.key), {name: Decimal(0) for name in COUNTERS})
        s["approved_amount"] += Decimal(g.amount)
        s["approved_count"] += g.approvals
        s["approved_sme_count"] += g.sme
        s["approved_first_loan_count"] += g.first_loan
        if g.approvals:
            marker = (g.dimension, g.key, owner)
            before = self._group_owner_approvals.get(marker, 0)
            after = before + g.approvals
            if after:
                self._group_owner_approvals[marker] = after
            else:
                self._group_owner_approvals.pop(marker, None)
            s["approved_enterprises"] += (after > 0) - (before > 0)

    def grouped_stats(self, dimension: str) -> dict[str, dict]:
        with self._lock:
            return {key: dict(s) for (dim, key), s in sorted(self._groups.items()) if dim == dimension}

    def _sorted_apps(self, keep) -> list[Application]:
        with self._lock:
            recs = [r for r in self._apps.values() if keep(r)]
        recs.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
        return [Application.from_record(copy.deepcopy(r)) for r in recs]

    def list_for_owner(self, owner: str, limit: int, cursor: str | None) -> Page:
        return _page(self._sorted_apps(lambda r: r["owner"] == owner), limit, cursor)

    def list_all(self, status: str | None, limit: int, cursor: str | None) -> Page:
        return _page(self._sorted_apps(lambda r: status is None or r["status"] == status), limit, cursor)

    def pending_reviews(self, agency: str, limit: int, cursor: str | None) -> Page:
        with self._lock:
            rows = [r for r in self._reviews.values() if r.agency == agency and r.status == "pending"]
        rows.sort(key=lambda r: (r.created_at, r.id))
        return _page(rows, limit, cursor)

    def bank_pending(self, bank: str, limit: int, cursor: str | None) -> Page:
        with self._lock:
            rows = [b for (code, _), b in self._bank_entries.items() if code == bank and b.status == "sent"]
        rows.sort(key=lambda b: (b.sent_at, b.application_id))
        return _page(rows, limit, cursor)

    def reviews_due_before(self, day: str, limit: int, cursor: str | None) -> Page:
        with self._lock:
            rows = [r for r in self._reviews.values() if r.awaiting_deadline and r.due < day]
        return _page_after(rows, lambda r: (r.due, r.id), limit, cursor)

    def renewals_due_before(self, day: str, limit: int, cursor: str | None) -> Page:
        with self._lock:
            rows = [r for r in self._renewals.values() if r.due < day]
        return _page_after(rows, lambda r: (r.due, r.application_id), limit, cursor)

    def overdue_reviews(self, limit: int, cursor: str | None) -> Page:
        with self._lock:
            rows = [r for r in self._reviews.values() if r.overdue]
        rows.sort(key=lambda r: (r.due, r.id))
        return _page(rows, limit, cursor)

    def notifications(self, recipient: str, unread_only: bool, limit: int, cursor: str | None) -> Page:
        with self._lock:
            rows = [n for (who, _), n in self._notifications.items()
                    if who == recipient and not (unread_only and n.read)]
        rows.sort(key=lambda n: n.id, reverse=True)
        return _page(rows, limit, cursor)

    def mark_notification_read(self, recipient: str, notification_id: str, at: str) -> Notification | None:
        with self._lock:
            found = self._notifications.get((recipient, notification_id))
            if found is None:
                return None
            self._notifications[(recipient, notification_id)] = dataclasses.replace(found, read=True)
            return self._notifications[(recipient, notification_id)]

    def review_entry(self, review_id: str) -> ReviewEntry | None:
        with self._lock:
            return self._reviews.get(review_id)

    def idempotent_response(self, scope: str, key: str) -> IdempotencyRecord | None:
        with self._lock:
            return self._idem.get((scope, key))

    def stats(self) -> dict:
        with self._lock:
            return dict(self._stats)

    def pending_outbox(self, limit: int) -> list[OutboxItem]:
        with self._lock:
            return list(self._outbox.values())[:limit]

    def outbox_pending(self, message_ids: list[str]) -> set[str]:
        with self._lock:
            return {m for m in message_ids if m in self._outbox}

    def delete_outbox(self, message_ids: list[str]) -> None:
        with self._lock:
            for m in message_ids:
                self._outbox.pop(m, None)
                self._parked.pop(m, None)

    def park_outbox(self, message_ids: list[str], reason: str, at: str) -> None:
        with self._lock:
            for m in message_ids:
                item = self._outbox.pop(m, None)
                if item is not None:
                    self._parked[m] = parked_message(item, at, reason)

    def parked_outbox(self, limit: int) -> list[ParkedMessage]:
        with self._lock:
            return sorted(self._parked.values(), key=lambda p: (p.parked_at, p.message_id))[:limit]

    def add_material(self, material: Material) -> None:
        with self._lock:
            if material.id in self._materials:
                raise MaterialTaken(material.id)
            self._materials[material.id] = material

    def material(self, material_id: str, *, uses: bool = True) -> MaterialRecord | None:
        with self._lock:
            found = self._materials.get(material_id)
            if found is None:
                return None
            return MaterialRecord(found, tuple(sorted(self._material_uses.get(material_id, ()))) if uses else ())

    def materials(self, material_ids: list[str]) -> dict[str, Material]:
        with self._lock:
            return {m: self._materials[m] for m in material_ids if m in self._materials}

    def settle_material(self, material: Material) -> Material:
        with self._lock:
            if self._materials[material.id].status == AWAITING_UPLOAD:
                self._materials[material.id] = material
            return self._materials[material.id]

    def publish_ruleset(self, published: PublishedRuleset, entry: RulesetPublication) -> None:
        with self._lock:
            key = (published.ruleset, published.version)
            if key in self._rulesets:
                raise VersionTaken(f"{published.ruleset} {published.version}")
            if entry.seq in self._ruleset_history[entry.ruleset]:
                raise StaleVersion(f"{entry.ruleset} history entry {entry.seq} exists")
            self._rulesets[key] = published
            self._ruleset_history[entry.ruleset][entry.seq] = entry
            self._rules_revision += 1

    def propose_ruleset(self, proposal: RuleProposal, entry: RulesetPublication) -> None:
        with self._lock:
            key = (proposal.ruleset, proposal.version)
            if key in self._proposals or key in self._rulesets:
                raise VersionTaken(f"{proposal.ruleset} {proposal.version}")
            if entry.seq in self._ruleset_history[entry.ruleset]:
                raise StaleVersion(f"{entry.ruleset} history entry {entry.seq} exists")
            self._proposals[key] = proposal
            self._ruleset_history[entry.ruleset][entry.seq] = entry

    def approve_ruleset(self, proposal: RuleProposal, published: PublishedRuleset,
                        entry: RulesetPublication) -> None:
        with self._lock:
            key = (proposal.ruleset, proposal.version)
            stored = self._proposals.get(key)
            if stored is None or stored.status != "proposed" or key in self._rulesets:
                raise VersionTaken(f"{proposal.ruleset} {proposal.version}")
            if entry.seq in self._ruleset_history[entry.ruleset]:
                raise StaleVersion(f"{entry.ruleset} history entry {entry.seq} exists")
            self._proposals[key] = dataclasses.replace(stored, status="approved", approved_by=published.approved_by,
                                                       approved_at=published.published_at)
            self._rulesets[key] = published
            self._ruleset_history[entry.ruleset][entry.seq] = entry
            self._rules_revision += 1

    def rule_proposals(self, ruleset: str) -> list[RuleProposal]:
        with self._lock:
            return sorted((p for (name, _), p in self._proposals.items() if name == ruleset),
                          key=lambda p: p.proposed_at)

    def ruleset_history(self, ruleset: str) -> list[RulesetPublication]:
        with self._lock:
            entries = self._ruleset_history.get(ruleset, {})
            return [entries[seq] for seq in sorted(entries)]

    def published_rulesets(self) -> list[PublishedRuleset]:
        with self._lock:
            return sorted(self._rulesets.values(), key=lambda p: (p.published_at, p.ruleset, p.version))

    def rules_revision(self) -> int:
        with self._lock:
            return self._rules_revision

    def all_applications(self, page_size: int = 100):
        return iter(self._sorted_apps(lambda r: True))


    # ---- complaints ---------------------------------------------------------------------------
    def save_complaint(self, complaint: Complaint, *, notifications: list[Notification] = (),
                       idempotency: IdempotencyRecord | None = None) -> None:
        with self._lock:
            stored = self._complaints.get(complaint.id)
            if (stored[1] if stored else 0) != complaint.version:
                raise StaleVersion(complaint.id)
            self._refuse_taken(f"complaint {complaint.id}", notifications, idempotency)
            self._complaints[complaint.id] = (copy.deepcopy(complaint.to_record()), complaint.version + 1)
            self._keep(notifications, idempotency)

    def complaint(self, complaint_id: str) -> Complaint | None:
        with self._lock:
            found = self._complaints.get(complaint_id)
            return Complaint.from_record(copy.deepcopy(found[0]), found[1]) if found else None

    def _complaints_where(self, keep) -> list[Complaint]:
        with self._lock:
            return [Complaint.from_record(copy.deepcopy(rec), v) for rec, v in self._complaints.values() if keep(rec)]

    def _newest_complaints(self, keep, limit: int, cursor: str | None) -> Page:
        rows = sorted(self._complaints_where(keep), key=lambda c: (c.created_at, c.id), reverse=True)
        return _page(rows, limit, cursor)

    def complaints_for_owner(self, owner: str, limit: int, cursor: str | None) -> Page:
        return self._newest_complaints(lambda r: r["owner"] == owner, limit, cursor)

    def complaints_for_agency(self, agency: str, limit: int, cursor: str | None) -> Page:
        return self._newest_complaints(lambda r: r["agency"] == agency, limit, cursor)

    def complaints(self, status: str | None, limit: int, cursor: str | None) -> Page:
        if status is None:
            return self._newest_complaints(lambda r: True, limit, cursor)
        rows = sorted(self._complaints_where(lambda r: r["status"] == status), key=lambda c: (c.due, c.id),
                      reverse=status == "closed")
        return _page(rows, limit, cursor)

    def complaints_due_before(self, day: str, limit: int, cursor: str | None) -> Page:
        rows = self._complaints_where(lambda r: r["status"] == "open" and r["due"] < day)
        return _page_after(rows, lambda c: (c.due, c.id), limit, cursor)


class InMemorySender:
    def __init__(self):
        self.queues: dict[str, list[OutboxItem]] = defaultdict(list)

    def send(self, queue: str, items: list[OutboxItem]) -> None:
        self.queues[queue].extend(items)

    def queue_url(self, queue: str) -> str:
        return f"memory://{queue}"


class InMemoryFiles:
    """The materials bucket in memory. `receive_post` plays S3 receiving a signed POST: it keeps
    the object only if the policy's size and content type hold, as S3 does."""

    def __init__(self):
        self.objects: dict[str, bytes] = {}
        self.tags: dict[str, str] = {}
        self._policies: dict[str, tuple[str, int]] = {}

    def presign_upload(self, key: str, content_type: str, size: int, expires_in: int) -> dict:
        self._policies[key] = (content_type, size)
        return {"url": "memory://materials/", "fields": {"key": key, "Content-Type": content_type}}

    def receive_post(self, fields: dict, content: bytes) -> int:
        """The HTTP status S3 answers a POST with."""
        key = fields.get("key")
        if key not in self._policies:
            return 403
        content_type, size = self._policies[key]
        if fields.get("Content-Type") != content_type:
            return 403
        if len(content) != size:
            return 400
        self.objects[key], self.tags[key] = content, "pending"
        return 204

    def presign_download(self, key: str, filename: str, content_type: str, expires_in: int) -> str:
        return f"memory://materials/{key}?expires_in={expires_in}"

    def digest(self, key: str) -> tuple[int, str] | None:
        import hashlib
        content = self.objects.get(key)
        return None if content is None else (len(content), hashlib.sha256(content).hexdigest())

    def keep(self, key: str) -> bool:
        if key not in self.objects:
            return False
        self.tags[key] = "kept"
        return True
