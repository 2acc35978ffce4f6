"""`make run`: the whole service on this machine, no AWS account, no network.

Starts a moto server on loopback as the AWS backend (in a child process of its own: AWS is not
inside our process, and its stand-in should not share the API's interpreter lock), creates the table, queues and
bucket from `chalicelib.resources`, follows the table's stream into the same fan-out handler
Lambda runs, and serves the Chalice app on http://127.0.0.1:$PORT until Ctrl-C.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time

HOST = "127.0.0.1"
POLL_SECONDS = 0.2
SWEEP_SECONDS = 5.0
DEADLINE_SECONDS = 5.0   # the deadline schedule (app.deadlines: every 5 minutes in AWS)

log = logging.getLogger("local_stack")


def start_moto(port: int):
    from moto.server import ThreadedMotoServer
    from scripts import moto_patches
    moto_patches.apply()
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    server.start()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per AWS call is noise here
    return server, server.get_host_and_port()[1]


class Child:
    """A part of the stack in a process of its own (`python -m scripts.local_stack --moto`): it
    prints one line when ready and runs until its standard input closes, which `stop` does (and
    the kernel does if this process dies), so a child never outlives the stack."""

    def __init__(self, *args: str):
        import subprocess
        self.child = subprocess.Popen([sys.executable, "-m", "scripts.local_stack", *args],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.ready = self.child.stdout.readline().strip()
        if not self.ready:
            self.child.kill()
            raise RuntimeError(f"{' '.join(args)} did not start")

    def stop(self) -> None:
        import subprocess
        self.child.stdin.close()
        try:
            self.child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.child.kill()


def until_stdin_closes() -> None:
    """A child's life: Ctrl-C in the terminal reaches the whole process group, but the parent
    decides when a child stops (it closes the child's standard input)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stdin.read()


def serve_moto(port: int = 0) -> int:
    """The moto child: moto (patched) on `port`; its first line is the port."""
    server, port = start_moto(port)
    print(port, flush=True)
    until_stdin_closes()
    server.stop()
    return 0


def configure_environment(moto_port: int) -> None:
    # Dummy credentials: the embedded moto server accepts any; real ones must never be used here.
    os.environ.update({
        "GC_STAGE": "local",
        "GC_AWS_ENDPOINT_URL": f"http://{HOST}:{moto_port}",
        "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "cn-north-1"),
    })
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        os.environ.pop(var, None)


class FanOutLoop(threading.Thread):
    """Follows the table stream into the fan-out handler; sweeps the outbox as a safety net; runs
    the deadline schedule (late reviews flagged, enterprises notified) as AWS's scheduler would.

    As Lambda's event source mapping does with ReportBatchItemFailures, a batch with failed
    records is fed again from each shard's first failed record (the whole batch if the handler
    raised), waiting longer after each failed try (up to SWEEP_SECONDS)."""

    def __init__(self, container, handler):
        super().__init__(name="fan-out", daemon=True)
        from chalicelib.adapters.stream_reader import StreamReader
        streams = container.client("dynamodbstreams", account_id_endpoint_mode="disabled")
        self.reader = StreamReader(container.dynamodb, streams, container.resources.table_name)
        self.container, self.handler = container, handler
        self.stopping = threading.Event()
        self.found = 0   # records the last poll returned

    def run(self) -> None:
        from chalicelib.services import fanout
        from chalicelib.services.complaints import flag_overdue_complaints
        from chalicelib.services.deadlines import flag_overdue_reviews, release_renewals
        last_sweep = last_deadlines = time.monotonic()
        wait = POLL_SECONDS
        while not self.stopping.wait(wait):
            try:
                fed = self.feed()
            except Exception:  # keep going: the batch is fed again, the sweep is a safety net
                log.exception("fan-out failed; will retry")
                fed = False
            # Records found: look again at once (more are likely coming; a wait here was most of a
            # message's way to its queue under load). Nothing new: wait POLL_SECONDS. Failed: back off.
            wait = (0 if self.found else POLL_SECONDS) if fed else min(max(wait, POLL_SECONDS) * 2, SWEEP_SECONDS)
            if time.monotonic() - last_sweep > SWEEP_SECONDS:
                last_sweep = time.monotonic()
                try:
                    fanout.sweep(self.container)
                except Exception:
                    log.exception("outbox sweep left messages behind; will retry")
            if time.monotonic() - last_deadlines > DEADLINE_SECONDS:
                last_deadlines = time.monotonic()
                try:
                    flag_overdue_reviews(self.container)
                    release_renewals(self.container)
                    flag_overdue_complaints(self.container)
                except Exception:
                    log.exception("deadline run failed; the next one tries again")

    def feed(self) -> bool:
        """One batch through the handler; False if some of it must be fed again."""
        event = self.reader.poll()
        self.found = len(event["Records"])
        if not event["Records"]:
            return True
        try:
            response = self.handler(event)
        except Exception:
            self.reader.settle(None)
            raise
        self.reader.settle(response)
        return not response.get("batchItemFailures")


LISTEN_BACKLOG = 1024   # a burst of connections waits in the kernel's queue instead of being refused


def local_server(app_obj, port: int):
    """Chalice's local server, made to answer as the deployed API does: a request for no route is
    404 (and for a route, a method it lacks 405 with `Allow`, from the app) in the contract's
    error shape, not API Gateway's 403 "Missing Authentication Token"; TRACE and other methods
    reach the app instead of the base server's 501; and a burst of connections is queued
    (threaded, listen backlog 1024) rather than timed out."""
    import json
    from chalice.config import Config
    from chalice.local import (ChaliceRequestHandler, CustomLocalChalice, ForbiddenError, LocalChalice,
                               LocalDevServer, ThreadedHTTPServer)
    from chalicelib.api.http import error_body
    from chalicelib.domain.errors import FieldError

    no_route = json.dumps(error_body([FieldError("", "not_found", "没有这个地址，请查看 GET /openapi.json",
                                                 "There is no such address; see GET /openapi.json")]),
                          ensure_ascii=False).encode()

    class Handler(ChaliceRequestHandler):
        timeout = 30   # a client that opens a connection and sends nothing does not hold a thread

        def _generic_handle(self) -> None:
            try:
                headers, body = self._parse_payload()
                response = self.local_gateway.handle_request(method=self.command, path=self.path,
                                                             headers=headers, body=body)
            except ForbiddenError:   # the app has no authorizers: the gateway found no route
                self._send_http_response(404, {"Content-Type": "application/json; charset=utf-8"}, no_route)
                return
            headers = {**response["headers"], **response["multiValueHeaders"]}
            self._send_http_response(response["statusCode"], headers, self._handle_binary(response)["body"])

        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = \
            _generic_handle

    class Server(ThreadedHTTPServer):
        request_queue_size = LISTEN_BACKLOG

    # As chalice.local.create_local_server does: each thread its own `current_request`.
    CustomLocalChalice.__bases__ = (LocalChalice, app_obj.__class__)
    app_obj.__class__ = CustomLocalChalice
    config = Config.create(chalice_stage="local", app_name="getting-credit")
    return LocalDevServer(app_obj, config, HOST, port, handler_cls=Handler, server_cls=Server)


def banner(port: int, moto_port: int, region: str, queue_prefix: str) -> str:
    api = f"http://{HOST}:{port}"
    return f"""
获得信贷“一件事” Getting Credit One-Stop is running (local stage)
  API                 {api}        (try: curl {api}/banks)
  AWS backend (moto)  http://{HOST}:{moto_port}   region {region}, any access key works
  Sign in (dev only)  curl -s -X POST {api}/auth/dev-token -H 'Content-Type: application/json' \\
                        -d '{{"role": "bank", "subject": "ICBC-BJ"}}'
  A bank's queue      GET {api}/banks/ICBC-BJ/queue with that token gives its SQS queue URL; read it with
                      any SQS client pointed at http://{HOST}:{moto_port}, e.g.
                      aws --endpoint-url http://{HOST}:{moto_port} --region {region} sqs receive-message \\
                        --queue-url http://{HOST}:{moto_port}/123456789012/{queue_prefix}-bank-ICBC-BJ
Press Ctrl-C to stop (everything above stops with it; data lives in memory only).
"""


def main() -> int:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    port = int(os.environ.get("PORT", "8000"))
    moto = Child("--moto", os.environ.get("MOTO_PORT", "0"))
    moto_port = int(moto.ready)
    configure_environment(moto_port)

    import app as app_module
    from chalicelib.adapters.provision import provision
    from chalicelib.bootstrap import deps
    from chalicelib.handlers import deliver_stream_batch

    container = deps()
    provision(container)
    container.datazone   # the generated data zone: built on the first run (a few seconds), then reused
    fan_out = FanOutLoop(container, deliver_stream_batch)
    fan_out.start()
    server = local_server(app_module.app, port)
    print(banner(port, moto_port, container.settings.region, container.settings.resource_prefix), flush=True)

    def stop(*_):
        threading.Thread(target=server.server.shutdown, daemon=True).start()

    # Explicit handlers: a stack started in the background inherits an ignored SIGINT.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        fan_out.stopping.set()
        fan_out.join(timeout=2)
        moto.stop()
        print("stopped: API, fan-out and the embedded AWS backend", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(serve_moto(int(sys.argv[2])) if sys.argv[1:2] == ["--moto"] else main())
