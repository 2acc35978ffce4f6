"""Operations: one JSON object per log line with its correlation ids, and metrics as log lines.

Why here and this small: CloudWatch Logs Insights queries JSON fields, so every line is one JSON
object carrying the request id (and the application id when the request names one) of the work
it belongs to, without each call site passing them along (a context variable holds them).
Metrics are CloudWatch embedded metric format (EMF) lines, logged by `getting_credit.metrics` at
INFO: in Lambda (JSON lines, `configure_logging`) CloudWatch turns them into metrics with no
PutMetricData call, no permission and no extra latency; locally they are quiet unless asked for.

Hooks into the rest of the code are three: `app.py` calls `configure_logging` in Lambda and
schedules `measure`; `api.http.log_requests` binds the request's ids and calls `request_metrics`.
"""
from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import sys
import time
from datetime import datetime, timezone

NAMESPACE = "GettingCredit"
metrics_log = logging.getLogger("getting_credit.metrics")
_IDS: contextvars.ContextVar[dict] = contextvars.ContextVar("gc_correlation", default={})
# Requests that end in a decision the applicant sees (metric `Decisions`, by route).
DECISION_ROUTES = {("POST", "/applications", 201), ("POST", "/eligibility", 200)}


@contextlib.contextmanager
def correlated(**ids):
    """Every log line inside carries these ids (request_id, application_id), None ones left out."""
    token = _IDS.set(_IDS.get() | {k: v for k, v in ids.items() if v})
    try:
        yield
    finally:
        _IDS.reset(token)


def correlation_ids() -> dict:
    return dict(_IDS.get())


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, the correlation ids, and the message (its
    fields merged in when the message is itself a JSON object, as the access log's are)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, **correlation_ids()}
        message = record.getMessage()
        try:
            fields = json.loads(message) if message.startswith("{") else None
        except ValueError:
            fields = None
        if isinstance(fields, dict):
            line.update(fields)
        else:
            line["message"] = message
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on every root handler (Lambda installs one); a stdout handler if there is none."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler(sys.stdout))
    for handler in root.handlers:
        handler.setFormatter(JsonFormatter())
    root.setLevel(level)
    logging.getLogger("botocore").setLevel(logging.WARNING)   # bodies are echoed only below WARNING


def emf(metrics: dict, dimensions: dict | None = None, unit: str = "Count") -> dict:
    """Log one EMF line (`{"_aws": {...}, name: value, dimension: value}`) and return it."""
    dimensions = dimensions or {}
    line = {"_aws": {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": [{
        "Namespace": NAMESPACE, "Dimensions": [sorted(dimensions)],
        "Metrics": [{"Name": name, "Unit": unit} for name in metrics]}]},
        **dimensions, **metrics, **correlation_ids()}
    if metrics_log.isEnabledFor(logging.INFO):   # quiet locally: no line is written, none is encoded
        metrics_log.info(json.dumps(line, ensure_ascii=False))
    return line


def request_metrics(method: str | None, route: str | None, status: int, ) -> dict | None:
    """`Decisions` for a request that decided something for an applicant; nothing otherwise."""
    if (method, route, status) in DECISION_ROUTES:
        return emf({"Decisions": 1}, {"Route": route})
    return None


def outbox_age_seconds(dynamodb, table: str, now: datetime) -> float:
    """Age of the oldest undelivered outbox message (0 when the outbox is empty). The outbox index
    (GSI3, partition OUTBOX) sorts by `<created>#<message id>`: one item read."""
    found = dynamodb.query(TableName=table, IndexName="GSI3", Limit=1, KeyConditionExpression="GSI3PK = :pk",
                           ExpressionAttributeValues={":pk": {"S": "OUTBOX"}}).get("Items", [])
    if not found:
        return 0.0
    created = datetime.fromisoformat(found[0]["GSI3SK"]["S"].split("#", 1)[0].replace("Z", "+00:00"))
    if created.tzinfo is None:
        created = created.replace(tzinfo=timezone.utc)
    return max(0.0, (now - created).total_seconds())


def dlq_depths(sqs, queues) -> dict:
    """Messages waiting on each dead-letter queue (by queue name); a missing queue is left out."""
    depths = {}
    for spec in queues:
        try:
            url = sqs.get_queue_url(QueueName=spec.dlq_name)["QueueUrl"]
        except sqs.exceptions.QueueDoesNotExist:
            continue
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        depths[spec.dlq_name] = int(attrs["Attributes"]["ApproximateNumberOfMessages"])
    return depths


def reviews_overdue(store, today: str) -> dict[str, int]:
    """Pending reviews past their due day by agency, every purchasing unit counted under
    `purchaser` (one metric, not one per unit): those the deadline schedule has flagged late and
    those it will flag on its next run. Two Queries of the late-review indexes, no Scan."""
    counts = dict.fromkeys(GAUGED_AGENCIES, 0)
    for page_of in (lambda cursor: store.overdue_reviews(100, cursor),
                    lambda cursor: store.reviews_due_before(today, 100, cursor)):
        cursor = None
        while True:
            page = page_of(cursor)
            for review in page.items:
                agency = review.agency.split(":", 1)[0]
                counts[agency] = counts.get(agency, 0) + 1
            cursor = page.cursor
            if not cursor:
                break
    return counts


def complaints_overdue(store, today: str) -> int:
    """Complaints unanswered past their due day: flagged by the deadline schedule, or to be flagged
    on its next run. Queries of the two indexes that hold them (a page each per 100), no Scan."""
    count = 0
    for page_of in (lambda cursor: store.complaints("overdue", 100, cursor),
                    lambda cursor: store.complaints_due_before(today, 100, cursor)):
        cursor = None
        while True:
            page = page_of(cursor)
            count += len(page.items)
            cursor = page.cursor
            if not cursor:
                break
    return count


# Every agency gets a figure, 0 included, so an alarm on it has data even on a quiet day.
GAUGED_AGENCIES = ("hr", "ipo", "realestate", "purchaser")


def measure(deps, bank_codes) -> list[dict]:
    """The scheduled gauges: DLQ depth per queue, reviews overdue per agency, complaints overdue,
    and the outbox's oldest message age."""
    lines = [emf({"DlqDepth": depth}, {"Queue": name})
             for name, depth in dlq_depths(deps.sqs, deps.resources.all_queues(bank_codes)).items()]
    from .services.applications import today as beijing_today
    today = beijing_today(deps).isoformat()
    lines += [emf({"ReviewsOverdue": count}, {"Agency": agency})
              for agency, count in reviews_overdue(deps.store, today).items()]
    lines.append(emf({"ComplaintsOverdue": complaints_overdue(deps.store, today)}))
    age = outbox_age_seconds(deps.dynamodb, deps.resources.table_name, datetime.now(timezone.utc))
    lines.append(emf({"OutboxAgeSeconds": age}, unit="Seconds"))
    return lines
