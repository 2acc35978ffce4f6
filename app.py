"""Getting Credit One-Stop: creates the Chalice app, registers the blueprints and handlers.

No business decision lives here; see chalicelib/services for the use cases.
"""
from chalice import Chalice, Rate

from chalicelib.settings import Settings
from chalicelib.api import (agency, applications, bank, complaints, materials, notifications, policy, portal, public,
                            records, staff, threads)
from chalicelib.api.http import log_requests, normalize_errors
from chalicelib.handlers import (deliver_stream_batch, flag_overdue_complaints, flag_overdue_reviews, release_renewals,
                                 sweep_outbox)
from chalicelib.observability import configure_logging, correlated

if Settings.running_in_lambda():
    configure_logging()   # JSON lines with correlation ids (chalicelib/observability.py)
app = Chalice(app_name="getting-credit")
app.register_middleware(normalize_errors, "http")
app.register_middleware(log_requests, "http")
for blueprint in (public.bp, applications.bp, materials.bp, agency.bp, bank.bp, staff.bp, policy.bp, notifications.bp,
                  records.bp, complaints.bp, threads.bp, portal.bp):
    app.register_blueprint(blueprint)
if Settings.dev_routes_wanted():
    from chalicelib.api import dev
    app.register_blueprint(dev.bp)


@app.on_dynamodb_record(stream_arn=Settings.outbox_stream_arn(), batch_size=100)
def fan_out(event):
    """Outbox items committed with a state change → their SQS queues. Returns the records that
    failed (`batchItemFailures`); the event source mapping has ReportBatchItemFailures on
    (`make package` sets it: Chalice cannot)."""
    with correlated(request_id=getattr(event.context, "aws_request_id", None)):
        return deliver_stream_batch(event, event.context)


@app.schedule(Rate(5, unit=Rate.MINUTES))
def sweep(event):
    """Outbox messages the stream could not deliver (a queue down past the stream's retries)."""
    with correlated(request_id=getattr(event.context, "aws_request_id", None)):
        return {"delivered": sweep_outbox()}


@app.schedule(Rate(5, unit=Rate.MINUTES))
def deadlines(event):
    """Reviews still pending after their due day: flagged late once, the enterprise notified.
    Renewals whose previous bank let its days pass: sent to the other chosen banks once.
    Complaints still open after their due day: flagged overdue once, the enterprise notified."""
    with correlated(request_id=getattr(event.context, "aws_request_id", None)):
        return {"flagged": flag_overdue_reviews(), "released": release_renewals(),
                "complaints_flagged": flag_overdue_complaints()}


@app.schedule(Rate(5, unit=Rate.MINUTES))
def measure(event):
    """Operations gauges as EMF lines: dead-letter depth, reviews overdue, the outbox's oldest age."""
    from chalicelib.bootstrap import deps
    from chalicelib.catalog import Catalog
    from chalicelib.observability import measure as gauges
    with correlated(request_id=getattr(event.context, "aws_request_id", None)):
        return {"metrics": len(gauges(deps(), Catalog.load().bank_codes()))}
