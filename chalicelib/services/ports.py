"""The service layer's view of the outside world: small interfaces with a real and a fake side.

`adapters/dynamodb.py` and `adapters/sqs.py` implement them on AWS; `adapters/memory.py`
implements them in memory. `tests/contract` runs one suite against both so the fake never lies.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from ..domain.application import Application, HistoryEntry, StatsChange  # noqa: F401 (re-exported)
from ..domain.messages import message_type
from ..domain.notifications import Notification
from ..domain.material import Material

if TYPE_CHECKING:  # names for the Deps annotations only: nothing here is imported at run time
    from ..catalog import Catalog
    from ..domain.complaints import Complaint
    from ..forms import FormRegistry
    from ..rules_engine import DecisionEngine
    from ..settings import Settings
    from .cursors import CursorSeal
    from ..domain.threads import Thread


class StaleVersion(Exception):
    """Someone else changed the application (or a ruleset's history) since it was read
    (optimistic lock lost)."""


class IdempotencyKeyTaken(Exception):
    """Another request committed first with the same idempotency key."""


@dataclass(frozen=True)
class IdempotencyRecord:
    scope: str          # who may replay it, e.g. "enterprise:<USCC>:submit"
    key: str
    request_hash: str
    status_code: int
    response: dict
    expires_at: int     # epoch seconds (DynamoDB TTL)


@dataclass(frozen=True)
class OutboxItem:
    message_id: str
    queue: str
    body: dict
    type: str | None = None   # the `type` attribute; None for a message stored before there were types

    @property
    def message_type(self) -> str:
        return self.type or message_type(self.queue, self.body)


@dataclass(frozen=True)
class ParkedMessage:
    """An outbox message whose queue does not exist: kept for window staff, never retried."""
    message_id: str
    queue: str
    kind: str | None
    application_id: str | None
    parked_at: str
    reason: str

    def to_dict(self) -> dict:
        return asdict(self)


def parked_message(item: OutboxItem, at: str, reason: str) -> ParkedMessage:
    """What staff see of a parked message: where it was going and for which application, not its body."""
    body = item.body if isinstance(item.body, dict) else {}
    return ParkedMessage(item.message_id, item.queue, item.message_type, body.get("application_id"), at, reason)


@dataclass
class Page:
    items: list
    cursor: str | None = None


@dataclass(frozen=True)
class ReviewEntry:
    id: str
    application_id: str
    agency: str
    status: str
    due: str
    created_at: str
    overdue_at: str | None = None
    round: int = 1

    @classmethod
    def of(cls, application_id: str, review) -> "ReviewEntry":
        """The index entry both stores keep for a review of the application aggregate."""
        return cls(review.id, application_id, review.agency, review.status.value, review.due, review.created_at,
                   review.overdue_at, review.round)

    @property
    def awaiting_deadline(self) -> bool:
        """Pending and not yet found late: what the deadline sweep looks through."""
        return self.status == "pending" and self.overdue_at is None

    @property
    def overdue(self) -> bool:
        return self.status == "pending" and self.overdue_at is not None

    def to_dict(self) -> dict:
        return {"id": self.id, "application_id": self.application_id, "agency": self.agency,
                "status": self.status, "due": self.due, "created_at": self.created_at,
                "overdue_at": self.overdue_at, "round": self.round}


@dataclass(frozen=True)
class RenewalEntry:
    """A renewal its previous bank has alone until `due` (a day): the deadline schedule's list."""
    application_id: str
    due: str

    @classmethod
    def of(cls, app) -> "RenewalEntry | None":
        return cls(app.id, app.first_bank["due"]) if app.renewal_waiting else None


@dataclass(frozen=True)
class BankEntry:
    """An application as one bank has it (sent to it, and its own status there): the bank's
    list of pending work in the portal, oldest sent first (banks also read their SQS queue)."""
    application_id: str
    bank: str
    status: str          # sent (its decision awaited), approved, declined, cancelled
    sent_at: str
    scenario: str
    amount: float
    decided_at: str | None = None

    @classmethod
    def all_of(cls, app) -> list["BankEntry"]:
        """One entry per bank the application reached (a bank still waiting has not seen it)."""
        return [cls(app.id, b.code, b.status.value, b.sent_at, app.scenario, app.amount, b.decided_at)
                for b in app.banks if b.sent_at is not None]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Snapshot:
    application: Application
    history: list[HistoryEntry] = field(default_factory=list)


class ApplicationStore(Protocol):
    def get(self, app_id: str) -> Application | None: ...
    def get_with_history(self, app_id: str) -> Snapshot | None: ...
    def save(self, app: Application, *, idempotency: IdempotencyRecord | None = None,
             notifications: list[Notification] = ()) -> None:
        """Write state, new history, review index, outbox, counters (`app.stats_change()`) and
        `notifications` with their gateway messages atomically, as version `app.version + 1`; each
        material the form names for the first time (`app.new_materials`: at submission, and new
        ones in an amendment) is linked to the application (who may see it may see them).

        Raises StaleVersion if the stored version is not `app.version`, IdempotencyKeyTaken if
        the idempotency key was used meanwhile. Leaves `app` as it is: the caller marks it
        `committed()`."""
    def list_for_owner(self, owner: str, limit: int, cursor: str | None) -> Page: ...
    def list_all(self, status: str | None, limit: int, cursor: str | None) -> Page: ...
    def pending_reviews(self, agency: str, limit: int, cursor: str | None) -> Page: ...
    def review_entry(self, review_id: str) -> ReviewEntry | None: ...
    def bank_pending(self, bank: str, limit: int, cursor: str | None) -> Page:
        """Applications sent to `bank` still awaiting its decision, oldest sent first."""
    def idempotent_response(self, scope: str, key: str) -> IdempotencyRecord | None: ...
    def stats(self) -> dict: ...
    def grouped_stats(self, dimension: str) -> dict[str, dict]:
        """The counters (`COUNTERS`, as Decimal) of each group of `dimension` (one of
        `STATS_GROUPS`) that has had an approval, by group key in key order; read without a Scan."""
    def pending_outbox(self, limit: int) -> list[OutboxItem]: ...
    def outbox_pending(self, message_ids: list[str]) -> set[str]: ...
    def delete_outbox(self, message_ids: list[str]) -> None: ...
    def park_outbox(self, message_ids: list[str], reason: str, at: str) -> None:
        """Take these messages out of delivery (the sweep and `outbox_pending` no longer see them)."""
    def parked_outbox(self, limit: int) -> list[ParkedMessage]: ...
    def reviews_due_before(self, day: str, limit: int, cursor: str | None) -> Page:
        """Pending reviews not yet found late whose `due` is before `day`, earliest due first."""
    def renewals_due_before(self, day: str, limit: int, cursor: str | None) -> Page:
        """Renewals still with their previous bank alone whose `due` is before `day`, earliest first."""
    def overdue_reviews(self, limit: int, cursor: str | None) -> Page:
        """Pending reviews found late, earliest due first (for window staff)."""
    def notifications(self, recipient: str, unread_only: bool, limit: int, cursor: str | None) -> Page:
        """One enterprise's notifications, newest first."""
    def mark_notification_read(self, recipient: str, notification_id: str, at: str) -> Notification | None:
        """The recipient's notification, now read (None if it has none by that id)."""


@dataclass(frozen=True)
class PublishedRuleset:
    """A rule file version in force through the API (proposed by `author`, approved by
    `approved_by`, a different person): immutable once stored."""
    ruleset: str
    version: str
    content: str
    sha256: str
    author: str
    published_at: str              # when it was approved
    approved_by: str | None = None

    @property
    def file_name(self) -> str:
        return f"{self.ruleset}@{self.version}.yaml"


@dataclass(frozen=True)
class RuleProposal:
    """A rule file version proposed by one policy user; it decides nothing until another approves it."""
    ruleset: str
    version: str
    content: str
    sha256: str
    proposed_by: str
    proposed_at: str
    status: str = "proposed"       # proposed | approved
    approved_by: str | None = None
    approved_at: str | None = None

    @property
    def file_name(self) -> str:
        return f"{self.ruleset}@{self.version}.yaml"


@dataclass(frozen=True)
class RulesetPublication:
    """One entry of a ruleset's publication history: written with the version it records, never
    rewritten. `before_*` name the version this ruleset's previous publication put on record
    (None for the first one through the API: the files shipped in `rules/` have git's history)."""
    ruleset: str
    seq: int                 # 1, 2, … per ruleset; the store refuses a number already taken
    at: str
    actor: str
    version: str
    sha256: str
    before_version: str | None = None
    before_sha256: str | None = None
    action: str = "published"  # proposed | approved ("published": one step, before two people were needed)

    def to_dict(self) -> dict:
        before = {"version": self.before_version, "sha256": self.before_sha256} if self.before_version else None
        return {"seq": self.seq, "at": self.at, "actor": self.actor, "action": self.action,
                "ruleset": self.ruleset, "before": before,
                "after": {"version": self.version, "sha256": self.sha256}}


class VersionTaken(Exception):
    """That ruleset version is already published."""


class PolicyStore(Protocol):
    def publish_ruleset(self, published: PublishedRuleset, entry: RulesetPublication) -> None:
        """Store the version and its history entry and bump the rules revision, atomically.

        Raises VersionTaken if the version exists, StaleVersion if another publication of the
        ruleset took `entry.seq` meanwhile (read the history again and retry)."""
    def propose_ruleset(self, proposal: RuleProposal, entry: RulesetPublication) -> None:
        """Store the proposal with its history entry, atomically. VersionTaken if the version is
        proposed or published already; StaleVersion if `entry.seq` was taken meanwhile."""
    def approve_ruleset(self, proposal: RuleProposal, published: PublishedRuleset,
                        entry: RulesetPublication) -> None:
        """Mark the proposal approved, store the version and its history entry, bump the rules
        revision: all or nothing. VersionTaken if it was approved (or published) meanwhile."""
    def rule_proposals(self, ruleset: str) -> list[RuleProposal]:
        """Every proposal of a ruleset, approved ones included, oldest first."""
    def ruleset_history(self, ruleset: str) -> list[RulesetPublication]:
        """Every publication of the ruleset, oldest first."""
    def published_rulesets(self) -> list[PublishedRuleset]: ...
    def rules_revision(self) -> int: ...
    def all_applications(self, page_size: int = 100): ...


@dataclass(frozen=True)
class MaterialRecord:
    material: Material
    application_ids: tuple[str, ...] = ()   # the applications naming it (written with each submission)


class MaterialTaken(Exception):
    """A material with that id exists already."""


class MaterialStore(Protocol):
    def add_material(self, material: Material) -> None:
        """Store a new material; MaterialTaken if the id exists."""
    def material(self, material_id: str, *, uses: bool = True) -> MaterialRecord | None:
        """The material and the applications naming it; with `uses=False` the material alone
        (`application_ids` empty), one item however many applications name it."""
    def materials(self, material_ids: list[str]) -> dict[str, Material]:
        """Those of these materials that are stored, by id, read at once (an application names
        several: one read for all, not one each)."""
    def settle_material(self, material: Material) -> Material:
        """Record a settled material (uploaded or rejected) if it is still awaiting its upload;
        returns what is stored afterwards (a concurrent settlement wins, never both)."""


class ComplaintStore(Protocol):
    """Complaints (domain/complaints.py), in the application table."""
    def save_complaint(self, complaint: "Complaint", *, notifications: list[Notification] = (),
                       idempotency: IdempotencyRecord | None = None) -> None:
        """Write the complaint as version `complaint.version + 1`, its listings, `notifications`
        with their gateway messages and the idempotency record atomically. StaleVersion if the
        stored version is not `complaint.version` (0: none stored); IdempotencyKeyTaken if the key
        was used meanwhile. Leaves `complaint` as it is: the caller marks it `committed()`."""
    def complaint(self, complaint_id: str) -> "Complaint | None": ...
    def complaints_for_owner(self, owner: str, limit: int, cursor: str | None) -> Page:
        """One enterprise's complaints, newest first."""
    def complaints_for_agency(self, agency: str, limit: int, cursor: str | None) -> Page:
        """The complaints about a reviewer's reviews (a purchasing unit's), newest first."""
    def complaints(self, status: str | None, limit: int, cursor: str | None) -> Page:
        """Every complaint newest first; with a status, open and overdue ones earliest due first,
        closed ones latest due first."""
    def complaints_due_before(self, day: str, limit: int, cursor: str | None) -> Page:
        """Open complaints (not yet found late) whose `due` is before `day`, earliest due first."""


class FileStore(Protocol):
    """The materials bucket. Signing makes no call: an upload goes from the browser to S3."""
    def presign_upload(self, key: str, content_type: str, size: int, expires_in: int) -> dict:
        """`{url, fields}` of a POST that stores exactly `size` bytes of `content_type` at `key`."""
    def presign_download(self, key: str, filename: str, content_type: str, expires_in: int) -> str: ...
    def digest(self, key: str) -> tuple[int, str] | None:
        """(size, SHA-256 hex) of the stored object, or None if nothing is stored there."""
    def keep(self, key: str) -> bool:
        """Take the object out of the lifecycle that expires uploads never referenced; False if gone."""


@dataclass(frozen=True)
class ProvidedFact:
    fact: str
    value: object
    source: str               # a source named in the provider's catalog, e.g. "credit_report"
    as_of: str | None = None  # when the source was last checked, if it says


class FactsProvider(Protocol):
    def facts_for(self, uscc: str) -> list[ProvidedFact]: ...
    def source(self, name: str) -> dict: ...


class DataZone(Protocol):
    """The government's records of enterprises (数据专区): one keyed read per enterprise."""
    def records(self, uscc: str) -> dict | None:
        """`{uscc, registration, tax, …}` (see domain/records.py), or None if it holds none."""


@dataclass(frozen=True)
class RecordsRead:
    """One look at an enterprise's records by a party other than the enterprise (accountability)."""
    id: str                     # time-ordered (ULID): newest first is the id order backwards
    uscc: str
    reader_role: str
    reader: str
    at: str
    what: str                   # records | ip_background
    application_id: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class WhitelistEntry:
    """An enterprise the IP office puts on the green channel, as banks see it."""
    uscc: str
    name: str
    district: str | None
    industry_code: str | None
    pledgeable_patents: tuple   # ({number, title, type, valid_until}, …) when it was put on the list
    added_at: str
    added_by: str

    def to_dict(self) -> dict:
        return {**asdict(self), "pledgeable_patents": [dict(p) for p in self.pledgeable_patents]}


class RecordsLog(Protocol):
    """Reads of enterprises' records and the IP green channel's whitelist, in the application table."""
    def log_read(self, read: RecordsRead) -> None: ...
    def reads(self, uscc: str, limit: int, cursor: str | None) -> Page:
        """The enterprise's records reads, newest first."""
    def whitelist_put(self, entry: WhitelistEntry) -> bool:
        """Put (or refresh) the entry; True if the enterprise was not on the list before."""
    def whitelist_remove(self, uscc: str) -> bool:
        """False if it was not on the list."""
    def whitelist(self, limit: int, cursor: str | None) -> Page:
        """Whitelisted enterprises by USCC."""


class MessageSender(Protocol):
    def send(self, queue: str, items: list[OutboxItem]) -> None:
        """Deliver to the queue named by its logical key ("bank:ICBC-BJ"); raise if any fails."""
    def queue_url(self, queue: str) -> str: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class IdGenerator(Protocol):
    def new_id(self) -> str: ...


class WorkingCalendar(Protocol):
    def add_working_days(self, start: date, days: int) -> date: ...
    def is_working_day(self, day: date) -> bool:
        """A PRC working day: not a public holiday, a weekday or a 调休 make-up weekend day."""
    def working_days_until(self, today: date, due: date) -> int:
        """Working days left to `due` (0 on the day), negative once it has passed."""


class ThreadStore(Protocol):
    """Consultation threads (domain/threads.py) in the same table; every list a Query."""
    def thread(self, thread_id: str) -> "Thread | None": ...
    def thread_messages(self, thread_id: str) -> list:
        """The thread's messages, oldest first."""
    def threads_for_owner(self, owner: str, limit: int, cursor: str | None) -> Page:
        """The enterprise's threads, newest activity first."""
    def all_threads(self, unanswered: bool, limit: int, cursor: str | None) -> Page:
        """Every thread (or those awaiting the window), newest activity first."""
    def thread_unread_total(self, owner: str) -> int:
        """How many window messages the enterprise has not read, over all its threads."""
    def save_thread(self, thread: "Thread", *, notifications: list[Notification] = (),
                    idempotency: IdempotencyRecord | None = None) -> None:
        """Write the thread as version `thread.version + 1` with its new messages, the change of
        its owner's unread total, `notifications` with their gateway messages and the idempotency
        record, atomically. StaleVersion if the stored version is not `thread.version`,
        IdempotencyKeyTaken if the key was used meanwhile. The caller marks it `committed()`."""


class Store(ApplicationStore, PolicyStore, MaterialStore, ComplaintStore, ThreadStore, Protocol):
    """The one table behind them all: applications, materials, the rules' publications, complaints, threads."""


class Deps(Protocol):
    """What every use case is handed: the outside world through its ports, plus the read-only
    parts loaded once per cold start. `bootstrap.Container` is the real one; a test builds one
    with fakes (`Container(settings, store=InMemoryApplicationStore(), ...)`).

    `engine` is the rules as last loaded; only `refresh_rules_if_stale()` (called by the edge
    once per request) and `refresh_rules()` (after an approval) look for newer published versions."""
    settings: "Settings"
    store: Store
    sender: MessageSender
    files: FileStore
    clock: Clock
    ids: IdGenerator
    calendar: WorkingCalendar
    facts_provider: FactsProvider
    datazone: DataZone
    records_log: RecordsLog
    cursors: "CursorSeal"
    forms: "FormRegistry"
    catalog: "Catalog"

    @property
    def engine(self) -> "DecisionEngine": ...
    def refresh_rules_if_stale(self) -> None: ...
    def refresh_rules(self, force: bool = True) -> None: ...
