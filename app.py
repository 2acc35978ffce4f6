"""Getting Credit One-Stop: creates the Chalice app, registers the blueprints and handlers.

No business decision lives here; see chalicelib/services for the use cases.
"""
from chalice import Chalice, Rate

from chalicelib.settings import Settings
from chalicelib.api import agency, applications, bank, policy, public, staff
from chalicelib.api.http import log_requests, normalize_errors
from chalicelib.handlers import deliver_stream_batch, sweep_outbox

app = Chalice(app_name="getting-credit")
app.register_middleware(normalize_errors, "http")
app.register_middleware(log_requests, "http")
for blueprint in (public.bp, applications.bp, agency.bp, bank.bp, staff.bp, policy.bp):
    app.register_blueprint(blueprint)
if Settings.dev_routes_wanted():
    from chalicelib.api import dev
    app.register_blueprint(dev.bp)


@app.on_dynamodb_record(stream_arn=Settings.outbox_stream_arn(), batch_size=100)
def fan_out(event):
    """Outbox items committed with a state change → their SQS queues. Returns the records that
    failed (`batchItemFailures`); the event source mapping has ReportBatchItemFailures on
    (`make package` sets it: Chalice cannot)."""
    return deliver_stream_batch(event, event.context)


@app.schedule(Rate(5, unit=Rate.MINUTES))
def sweep(event):
    """Outbox messages the stream could not deliver (a queue down past the stream's retries)."""
    return {"delivered": sweep_outbox()}
