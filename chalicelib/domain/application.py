"""The loan application: one aggregate whose methods are the only way its state changes.

Each method checks the transition is allowed, changes the state, appends a history entry and
queues the messages the change causes (`outbox`). The repository writes state, history and
messages in one transaction, so a message exists exactly when the change that caused it does.
Pure Python: no AWS, no clock, no id generator; callers pass `now` and ids in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from . import messages
from .errors import BusinessRuleViolated, Conflict
from .decision import Decision
from .money import to_fen_decimal
from .notifications import Notice


class Status(str, Enum):
    IN_REVIEW = "in_review"
    AT_BANKS = "at_banks"
    APPROVED = "approved"
    DECLINED = "declined"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    RETURNED = "returned"    # 需补正: an agency asked for more; the enterprise amends it
    ACCEPTED = "accepted"    # the enterprise took one bank's offer; the other banks were closed


# Who may act on the platform (a token carries exactly one) and the loan scenarios offered: the
# auth check, the OpenAPI document, the forms and the catalog all read these.
ROLES = ("enterprise", "agency", "bank", "policy", "window")
SCENARIOS = ("credit", "entrepreneurship_guarantee", "ip_pledge", "receivable_confirmation",
             "real_estate_mortgage")
WITHDRAWABLE = frozenset({Status.IN_REVIEW, Status.AT_BANKS, Status.RETURNED})
SME_SIZES = frozenset({"medium", "small", "micro"})


class ReviewStatus(str, Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"    # more material asked for: the agency reviews again after the amendment
    CANCELLED = "cancelled"


class BankStatus(str, Enum):
    WAITING = "waiting"      # agency reviews not finished; the bank has not seen it
    SENT = "sent"            # on the bank's queue, no decision yet
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"  # withdrawn or rejected before this bank decided


@dataclass(frozen=True)
class Actor:
    role: str      # enterprise | agency | bank | policy | window
    subject: str   # USCC, agency id, bank code or staff id

    @property
    def label(self) -> str:
        return f"{self.role}:{self.subject}"


# The platform itself, as the actor of what no person does (a deadline passing).
DEADLINES = Actor("system", "deadlines")
# A renewal's other banks are sent it by the platform: no bank learns from history who declined.
RENEWAL = Actor("system", "renewal")


@dataclass(frozen=True)
class Message:
    queue: str     # "agency:<agency id>" or "bank:<bank code>"
    body: dict
    message_id: str
    type: str      # the message's `type` attribute (domain.messages)


@dataclass
class Review:
    id: str
    agency: str
    status: ReviewStatus
    due: str
    created_at: str
    decided_at: str | None = None
    reason: str | None = None
    overdue_at: str | None = None   # when the deadline sweep found it still pending past `due`
    round: int = 1                  # the application's round it belongs to (an amendment starts another)
    missing: list[dict] | None = None   # when returned: [{kind?, note}] the agency asked for

    @property
    def is_overdue(self) -> bool:
        return self.status is ReviewStatus.PENDING and self.overdue_at is not None


@dataclass
class BankOutcome:
    code: str
    status: BankStatus
    sent_at: str | None = None
    decided_at: str | None = None
    amount: float | None = None
    annual_rate: float | None = None
    term_months: int | None = None
    guarantee_fee_rate: float | None = None
    reason: str | None = None
    repayment: str | None = None      # how the approved loan is repaid (domain.offers.REPAYMENTS)
    accepted_at: str | None = None    # the enterprise took this offer


@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    at: str
    actor: str
    action: str
    from_status: str | None
    to_status: str
    detail: dict = field(default_factory=dict)
    round: int = 1


@dataclass(frozen=True)
class StatsChange:
    """What an approval adds to the city-wide counters (written with the state change). An
    acceptance of another offer than the first approval's is no new approval: it only moves the
    approved amount by the difference (`new_approval` False)."""
    owner: str
    amount: float
    sme: bool
    first_loan: bool
    new_approval: bool = True
    groups: tuple = ()          # GroupDelta for each group of `GET /stats?group_by=` this moves


# The dimensions `GET /stats?group_by=` groups the counters by (DESIGN, "Renewal and statistics").
STATS_GROUPS = ("month", "scenario", "bank", "district")
UNKNOWN_GROUP = "unknown"       # the group of an application that does not say (e.g. no district)


@dataclass(frozen=True)
class GroupDelta:
    """What one command adds to one group's counters. `approvals` is +1 when the group gains a
    counted approval (and its enterprise one approval), -1 when it loses one: an offer accepted
    from another bank than the first approval's moves the approval from that bank's group to the
    accepted bank's; month (of the first approval, Beijing time), scenario and district never move."""
    dimension: str
    key: str
    approvals: int
    amount: str                 # yuan, a decimal string exact to the fen
    sme: int = 0
    first_loan: int = 0


@dataclass(frozen=True)
class BankOffer:
    approved: bool
    reason: str
    amount: float | None = None
    annual_rate: float | None = None
    term_months: int | None = None
    guarantee_fee_rate: float | None = None
    repayment: str | None = None


@dataclass
class Application:
    id: str
    owner: str
    scenario: str
    form: dict
    decision: Decision
    status: Status
    reviews: list[Review]
    banks: list[BankOutcome]
    created_at: str
    updated_at: str
    version: int = 0
    history_count: int = 0
    round: int = 1                 # 1 at submission, one more for every amendment
    notice: dict | None = None     # while returned: {round, items: [{agency, kind?, note}], since}
    # A renewal (续贷) whose previous bank is among the chosen: {bank, due, ended}. That bank has it
    # alone until it declines or `due` (a day) passes; `ended` says how that time ended.
    first_bank: dict | None = None
    # Effects of the current command, written with the state and then cleared.
    new_history: list[HistoryEntry] = field(default_factory=list, repr=False)
    outbox: list[Message] = field(default_factory=list, repr=False)
    notices: list[Notice] = field(default_factory=list, repr=False)
    approved_now: bool = field(default=False, repr=False)
    amount_before_acceptance: float | None = field(default=None, repr=False)   # the counted amount, when accepting now
    new_materials: list[str] = field(default_factory=list, repr=False)   # named for the first time now

    # ---- creation -------------------------------------------------------------------------
    @classmethod
    def submit(cls, *, app_id: str, owner: Actor, form: dict, decision: Decision, now: str,
               reviews: list[tuple[str, str, str]], renewal_due: str | None = None) -> "Application":
        """`reviews` is [(review_id, agency_id, due_date)] as the rules required them; `renewal_due`
        the last day a renewal's previous bank has it alone if it reaches the banks now."""
        app = cls(
            id=app_id, owner=owner.subject, scenario=form["scenario"], form=form,
            decision=decision, status=Status.IN_REVIEW, created_at=now, updated_at=now,
            reviews=[Review(rid, agency, ReviewStatus.PENDING, due, now) for rid, agency, due in reviews],
            banks=[BankOutcome(code, BankStatus.WAITING) for code in form["banks"]],
        )
        app.new_materials = list(form.get("materials") or ())
        previous = (form.get("details") or {}).get("previous_loan") or {}
        if form.get("renewal") and previous.get("bank") in form["banks"] and len(form["banks"]) > 1:
            app.first_bank = {"bank": previous["bank"], "due": None, "ended": None}
        first = Status.IN_REVIEW if app.reviews else Status.AT_BANKS
        app._record(owner, "submitted", None, first, now,
                    {"required_reviews": [r.agency for r in app.reviews]})
        if app.reviews:
            for review in app.reviews:
                app._send(f"agency:{review.agency}", app._review_message(review), review.id, messages.REVIEW_REQUESTED)
        else:
            app._forward_to_banks(owner, now, renewal_due)
        return app

    # ---- agency reviews -------------------------------------------------------------------
    def review(self, review_id: str) -> Review | None:
        return next((r for r in self.reviews if r.id == review_id), None)

    @property
    def current_reviews(self) -> list[Review]:
        """Each agency's review in the latest round it was asked for. A review returned in an
        earlier round stays on record (history keeps every round) but decides nothing now."""
        latest: dict[str, Review] = {}
        for review in self.reviews:
            if review.agency not in latest or review.round > latest[review.agency].round:
                latest[review.agency] = review
        return list(latest.values())

    def decide_review(self, review_id: str, actor: Actor, approved: bool, reason: str, now: str,
                      renewal_due: str | None = None) -> None:
        review = self._open_review(review_id, actor)
        review.status = ReviewStatus.APPROVED if approved else ReviewStatus.REJECTED
        review.decided_at, review.reason = now, reason
        action = "review_approved" if approved else "review_rejected"
        detail = {"review_id": review.id, "agency": review.agency, "reason": reason}
        if not approved:
            # A rejection ends the application at once, even while another agency's return waits:
            # there is nothing left to amend, so the enterprise gets no notice, only the rejection.
            self._cancel_open_work(now)
            self._record(actor, action, self.status, Status.REJECTED, now, detail)
            self._notify("rejected", agency=review.agency, reason=reason)
            return
        self._record(actor, action, self.status, self.status, now, detail)
        self._after_review(actor, now, renewal_due)

    def return_for_more(self, review_id: str, actor: Actor, missing: list[dict], reason: str, now: str) -> None:
        """The agency asks for more (`missing`: [{kind?, note}]) instead of deciding. The request
        waits while another review of the round is pending, so the enterprise is told once."""
        review = self._open_review(review_id, actor)
        review.status, review.decided_at, review.reason = ReviewStatus.RETURNED, now, reason
        review.missing = [dict(item) for item in missing]
        self._record(actor, "review_returned", self.status, self.status, now,
                     {"review_id": review.id, "agency": review.agency, "reason": reason, "missing": review.missing})
        self._after_review(actor, now)

    def _open_review(self, review_id: str, actor: Actor) -> Review:
        review = self.review(review_id)
        if review is None or review.agency != actor.subject:
            raise ValueError("the service must check the review belongs to this agency")
        if review.status is not ReviewStatus.PENDING or self.status is not Status.IN_REVIEW:
            raise Conflict.single(
                "", "review_closed",
                f"该审核已结束（审核状态：{review.status.value}，申请状态：{self.status.value}）",
                f"This review is closed (review: {review.status.value}, application: {self.status.value})")
        return review

    def _after_review(self, actor: Actor, now: str, renewal_due: str | None = None) -> None:
        """When no review of the round is pending: returned (one notice merging every agency's
        items) if any agency asked for more, else on to the banks."""
        current = self.current_reviews
        if any(r.status is ReviewStatus.PENDING for r in current):
            return
        returned = [r for r in current if r.status is ReviewStatus.RETURNED]
        if not returned:
            self._forward_to_banks(actor, now, renewal_due)
            return
        items = [{"agency": r.agency, **item} for r in returned for item in (r.missing or [])]
        self.notice = {"round": self.round, "items": items, "since": now}
        self._record(actor, "returned", self.status, Status.RETURNED, now,
                     {"agencies": [r.agency for r in returned], "items": items})
        self._notify("returned", items=items)

    def agencies_to_review_again(self, required: list[str]) -> list[str]:
        """Who reviews the amended application: the agencies that returned it, and any agency the
        new decision requires that never reviewed it. Approvals of the others stand."""
        current = self.current_reviews
        again = [r.agency for r in current if r.status is ReviewStatus.RETURNED]
        known = {r.agency for r in current}
        return again + [agency for agency in required if agency not in known]

    # ---- the enterprise answers a return ------------------------------------------------------
    def check_amendable(self) -> None:
        if self.status is not Status.RETURNED:
            raise Conflict.single(
                "", "not_returned",
                f"申请当前状态为“{self.status.value}”，只有被退回补正（returned）的申请可以补正",
                f"An application in status '{self.status.value}' cannot be amended: only a returned one can")

    def amend(self, actor: Actor, form: dict, decision: Decision, reviews: list[tuple[str, str, str]],
              now: str) -> None:
        """The corrected form and its new decision start the next round: `reviews` is
        [(review_id, agency_id, due_date)] for `agencies_to_review_again`, each sent its message."""
        self.check_amendable()
        changed = sorted(k for k in set(form) | set(self.form) if form.get(k) != self.form.get(k))
        named = set(self.form.get("materials") or ())
        self.new_materials = [m for m in form.get("materials") or () if m not in named]
        self.round += 1
        self.form, self.decision, self.notice = form, decision, None
        new = [Review(rid, agency, ReviewStatus.PENDING, due, now, round=self.round) for rid, agency, due in reviews]
        self.reviews.extend(new)
        self._record(actor, "amended", self.status, Status.IN_REVIEW, now,
                     {"changed": changed, "reviews": [r.agency for r in new]})
        for review in new:
            self._send(f"agency:{review.agency}", self._review_message(review), review.id, messages.REVIEW_REQUESTED)

    # ---- banks ----------------------------------------------------------------------------
    def bank(self, code: str) -> BankOutcome | None:
        return next((b for b in self.banks if b.code == code), None)

    def was_sent_to(self, code: str) -> bool:
        outcome = self.bank(code)
        return outcome is not None and outcome.sent_at is not None

    def record_bank_decision(self, actor: Actor, offer: BankOffer, now: str) -> None:
        outcome = self.bank(actor.subject)
        if outcome is None or outcome.sent_at is None:
            raise ValueError("the service must check the application was sent to this bank")
        if outcome.status is not BankStatus.SENT or self.status not in (Status.AT_BANKS, Status.APPROVED):
            raise Conflict.single(
                "", "bank_decision_closed",
                f"本行已无法对该申请作出决定（本行状态：{outcome.status.value}，申请状态：{self.status.value}）",
                f"This bank can no longer decide (bank: {outcome.status.value}, application: {self.status.value})")
        outcome.decided_at, outcome.reason = now, offer.reason
        detail = {"bank": outcome.code, "reason": offer.reason}
        if offer.approved:
            outcome.status = BankStatus.APPROVED
            outcome.amount, outcome.annual_rate = offer.amount, offer.annual_rate
            outcome.term_months, outcome.guarantee_fee_rate = offer.term_months, offer.guarantee_fee_rate
            outcome.repayment = offer.repayment
            detail.update(amount=offer.amount, annual_rate=offer.annual_rate, term_months=offer.term_months)
            before = self.status
            if before is Status.AT_BANKS:
                self.approved_now = True
            if self.renewal_waiting and outcome.code == self.first_bank["bank"]:
                self.first_bank["ended"] = "approved"   # the renewal is settled: the others are not asked
            self._record(actor, "bank_approved", before, Status.APPROVED, now, detail)
            self._notify("offer", bank=outcome.code, amount=offer.amount, annual_rate=offer.annual_rate,
                         term_months=offer.term_months)
            return
        outcome.status = BankStatus.DECLINED
        everyone_declined = all(b.status is BankStatus.DECLINED for b in self.banks)
        after = Status.DECLINED if everyone_declined and self.status is Status.AT_BANKS else self.status
        self._record(actor, "bank_declined", self.status, after, now, detail)
        self._notify("declined" if after is Status.DECLINED else "bank_declined", bank=outcome.code,
                     reason=offer.reason)
        if self.renewal_waiting and outcome.code == self.first_bank["bank"]:
            self._release_to_other_banks(now, "previous_bank_declined")

    # ---- renewal: the previous bank first ------------------------------------------------------
    @property
    def renewal_waiting(self) -> bool:
        """The previous bank has the renewal alone (the others wait for its answer or its `due`)."""
        return bool(self.first_bank and self.first_bank["due"] and self.first_bank["ended"] is None)

    def release_if_due(self, today: str, now: str) -> bool:
        """Send a renewal to the other chosen banks once its previous bank's `due` day has passed
        without an answer; False, changing nothing, if it is not waiting or not late."""
        if not self.renewal_waiting or self.status is not Status.AT_BANKS or not self.first_bank["due"] < today:
            return False
        self._release_to_other_banks(now, "previous_bank_timeout")
        return True

    def _release_to_other_banks(self, now: str, why: str) -> None:
        self.first_bank["ended"] = why
        waiting = [b for b in self.banks if b.status is BankStatus.WAITING]
        self._send_to_banks(waiting, now)
        self._record(RENEWAL, "sent_to_banks", self.status, self.status, now,
                     {"banks": [b.code for b in waiting], "after": why})

    # ---- the enterprise accepts one offer ------------------------------------------------------
    @property
    def accepted_bank(self) -> str | None:
        return next((b.code for b in self.banks if b.accepted_at), None)

    def accept(self, actor: Actor, code: str, now: str) -> None:
        """Take `code`'s offer: that bank is told `accepted`, every other bank that has the
        application `closed` (accepted elsewhere, never which bank); a bank still deciding can
        decide no more."""
        if self.status is not Status.APPROVED:
            raise Conflict.single(
                "", "not_acceptable",
                f"申请当前状态为“{self.status.value}”，只有已获银行批准（approved）的申请可以接受方案",
                f"An application in status '{self.status.value}' has no offer to accept: only an approved one has")
        chosen = self.bank(code)
        if chosen is None or chosen.status is not BankStatus.APPROVED:
            raise BusinessRuleViolated.single(
                "/bank", "no_offer_from_bank", f"银行 {code} 没有对本申请给出批准方案",
                f"{code} has made no offer on this application")
        self.amount_before_acceptance = self.first_approval().amount
        chosen.accepted_at = now
        for outcome in self.banks:
            if outcome.status in (BankStatus.SENT, BankStatus.WAITING):
                outcome.status = BankStatus.CANCELLED
        self._send(f"bank:{code}", {"application_id": self.id}, f"{self.id}:accepted:{code}", messages.ACCEPTED)
        self._close_at_banks(messages.ACCEPTED_ELSEWHERE, but=code)
        self._record(actor, "accepted", self.status, Status.ACCEPTED, now,
                     {"bank": code, "amount": chosen.amount, "annual_rate": chosen.annual_rate,
                      "term_months": chosen.term_months})
        self._notify("accepted", bank=code, amount=chosen.amount, annual_rate=chosen.annual_rate,
                     term_months=chosen.term_months)

    def _close_at_banks(self, reason: str, but: str | None = None) -> None:
        """Tell every bank that has the application (it was sent) that no decision is wanted."""
        for outcome in self.banks:
            if outcome.sent_at is not None and outcome.code != but:
                self._send(f"bank:{outcome.code}", {"application_id": self.id, "reason": reason},
                           f"{self.id}:closed:{outcome.code}", messages.CLOSED)

    # ---- deadlines ------------------------------------------------------------------------
    def mark_overdue(self, review_id: str, today: str, now: str) -> bool:
        """Flag a review still pending after its `due` day (`today` is past it) and tell the
        enterprise, once: False, changing nothing, if it is decided, flagged already, or not late.
        The review stays pending: its agency still decides it."""
        review = self.review(review_id)
        if (review is None or review.status is not ReviewStatus.PENDING or self.status is not Status.IN_REVIEW
                or review.overdue_at is not None or not review.due < today):
            return False
        review.overdue_at = now
        self._record(DEADLINES, "review_overdue", self.status, self.status, now,
                     {"review_id": review.id, "agency": review.agency, "due": review.due})
        self._notify("overdue", agency=review.agency, due=review.due)
        return True

    def first_approval(self) -> BankOutcome | None:
        approved = [b for b in self.banks if b.status is BankStatus.APPROVED]
        return min(approved, key=lambda b: b.decided_at or "") if approved else None

    # ---- the enterprise -------------------------------------------------------------------
    def withdraw(self, actor: Actor, reason: str, now: str) -> None:
        if self.status not in WITHDRAWABLE:
            raise Conflict.single(
                "", "not_withdrawable",
                f"申请当前状态为“{self.status.value}”，无法撤回（银行批准后不可撤回）",
                f"An application in status '{self.status.value}' cannot be withdrawn "
                "(withdrawal is possible only until a bank approves)")
        self._cancel_open_work(now)
        if self.renewal_waiting:
            self.first_bank["ended"] = "withdrawn"
        self._close_at_banks(messages.WITHDRAWN)
        self._record(actor, "withdrawn", self.status, Status.WITHDRAWN, now, {"reason": reason})

    # ---- derived facts ----------------------------------------------------------------------
    @property
    def is_sme(self) -> bool:
        return self.decision.enterprise_size in SME_SIZES

    @property
    def amount(self) -> float:
        return self.form["amount"]

    # ---- side effects of the current command -------------------------------------------------
    def stats_change(self) -> StatsChange | None:
        """What this command adds to the city-wide counters: the first bank approval counts the
        application once; accepting another offer moves the approved amount to that offer's."""
        sme, first_loan = self.is_sme, bool(self.form.get("first_loan"))
        if self.approved_now:
            offer = self.first_approval()
            amount = str(to_fen_decimal(offer.amount))
            groups = tuple(GroupDelta(dim, key, 1, amount, int(sme), int(first_loan))
                           for dim, key in self._stats_keys(offer.code))
            return StatsChange(owner=self.owner, amount=offer.amount, sme=sme, first_loan=first_loan,
                               groups=groups)
        before = self.amount_before_acceptance
        if before is None:
            return None
        first, accepted = self.first_approval(), self.bank(self.accepted_bank)
        delta = to_fen_decimal(accepted.amount) - to_fen_decimal(before)
        groups = [GroupDelta(dim, key, 0, str(delta)) for dim, key in self._stats_keys(None) if delta]
        if accepted.code == first.code:
            groups += [GroupDelta("bank", first.code, 0, str(delta))] if delta else []
        else:
            groups += [GroupDelta("bank", first.code, -1, str(-to_fen_decimal(before)), -int(sme), -int(first_loan)),
                       GroupDelta("bank", accepted.code, 1, str(to_fen_decimal(accepted.amount)),
                                  int(sme), int(first_loan))]
        if not groups:
            return None
        return StatsChange(owner=self.owner, amount=float(delta), sme=False, first_loan=False, new_approval=False,
                           groups=tuple(groups))

    def _stats_keys(self, bank: str | None) -> list[tuple[str, str]]:
        """The groups this application counts in: the first approval's month (Beijing time, as
        every timestamp here), its scenario and district, and `bank` unless None."""
        enterprise = self.form.get("enterprise")
        district = enterprise.get("district") if isinstance(enterprise, dict) else None
        keys = [("month", (self.first_approval().decided_at or "")[:7] or UNKNOWN_GROUP),
                ("scenario", self.scenario or UNKNOWN_GROUP), ("district", district or UNKNOWN_GROUP)]
        return keys + ([("bank", bank)] if bank is not None else [])

    def committed(self) -> None:
        """The store wrote this version with its effects: the next command starts from none."""
        self.version += 1
        self.new_history, self.outbox, self.notices, self.approved_now = [], [], [], False
        self.amount_before_acceptance = None
        self.new_materials = []

    # ---- internals ----------------------------------------------------------------------------
    def _forward_to_banks(self, actor: Actor, now: str, renewal_due: str | None = None) -> None:
        """To every chosen bank, or a renewal to its previous bank alone until `renewal_due`."""
        first = self.first_bank["bank"] if self.first_bank else None
        if first is not None:
            if renewal_due is None:
                raise ValueError("the service must say until when a renewal's previous bank has it alone")
            self.first_bank["due"] = renewal_due
        targets = [b for b in self.banks if first is None or b.code == first]
        self._send_to_banks(targets, now)
        self._record(actor, "sent_to_banks", self.status, Status.AT_BANKS, now,
                     {"banks": [b.code for b in targets], **({"previous_bank_until": renewal_due} if first else {})})

    def _send_to_banks(self, outcomes: list[BankOutcome], now: str) -> None:
        for outcome in outcomes:
            outcome.status, outcome.sent_at = BankStatus.SENT, now
            self._send(f"bank:{outcome.code}", self.bank_message(), f"{self.id}:bank:{outcome.code}",
                       messages.APPLICATION)

    def _cancel_open_work(self, now: str) -> None:
        for review in self.reviews:
            if review.status is ReviewStatus.PENDING:
                review.status, review.decided_at = ReviewStatus.CANCELLED, now
        for outcome in self.banks:
            if outcome.status in (BankStatus.WAITING, BankStatus.SENT):
                outcome.status = BankStatus.CANCELLED

    def _record(self, actor: Actor, action: str, before: Status | None, after: Status,
                now: str, detail: dict) -> None:
        self.history_count += 1
        self.status, self.updated_at = after, now
        self.new_history.append(HistoryEntry(
            seq=self.history_count, at=now, actor=actor.label, action=action,
            from_status=before.value if before else None, to_status=after.value, detail=detail,
            round=self.round))

    def _notify(self, kind: str, **facts) -> None:
        self.notices.append(Notice(kind, self.owner, self.id, {"scenario": self.scenario, **facts}))

    def _send(self, queue: str, body: dict, message_id: str, type_: str) -> None:
        self.outbox.append(Message(queue=queue, body=body, message_id=message_id, type=type_))

    def _review_message(self, review: Review) -> dict:
        return {"type": "review_requested", "review_id": review.id, "application_id": self.id,
                "agency": review.agency, "scenario": self.scenario, "due": review.due, "round": review.round}

    def bank_message(self) -> dict:
        """What a bank receives on its queue (fixed by the API contract)."""
        return {
            "application_id": self.id,
            "scenario": self.scenario,
            "amount": self.form["amount"],
            "term_months": self.form["term_months"],
            "enterprise": self.form["enterprise"],
            "decision": self.decision.to_json(),
            "reviews": [{"agency": r.agency, "status": r.status.value, "decided_at": r.decided_at}
                        for r in self.current_reviews],
        }

    # ---- persistence shape ------------------------------------------------------------------
    def to_record(self) -> dict:
        return {
            "id": self.id, "owner": self.owner, "scenario": self.scenario, "form": self.form,
            "decision": self.decision.to_json(), "status": self.status.value,
            "reviews": [_part_record(r) for r in self.reviews],
            "banks": [_part_record(b) for b in self.banks],
            "created_at": self.created_at, "updated_at": self.updated_at,
            "version": self.version, "history_count": self.history_count,
            "round": self.round, "notice": self.notice, "first_bank": self.first_bank,
        }

    @classmethod
    def from_record(cls, rec: dict) -> "Application":
        return cls(
            id=rec["id"], owner=rec["owner"], scenario=rec["scenario"], form=rec["form"],
            decision=Decision.from_json(rec["decision"]), status=Status(rec["status"]),
            reviews=[Review(**(r | {"status": ReviewStatus(r["status"])})) for r in rec["reviews"]],
            banks=[BankOutcome(**(b | {"status": BankStatus(b["status"])})) for b in rec["banks"]],
            created_at=rec["created_at"], updated_at=rec["updated_at"],
            version=rec["version"], history_count=rec["history_count"],
            round=rec.get("round", 1), notice=rec.get("notice"), first_bank=rec.get("first_bank"),
        )


def _part_record(part: Review | BankOutcome) -> dict:
    """A review's or a bank's outcome as stored: its fields, the status as its value. Its own
    fields rather than `dataclasses.asdict`, which copies every value recursively: a fifth of
    saving an application's own time (`bench handler`), for values that are only read."""
    return {**vars(part), "status": part.status.value}
