"""7. Burst: `make run`'s server under many simultaneous clients (issue #11, item 12).

The stack runs as a new user starts it (`python -m scripts.local_stack` on a free port, its own
moto server inside). For 50 and then 200 concurrent clients, each opens its own connection and
makes `requests` calls in a row, half reading the bank list and half asking an anonymous
eligibility question (forms, facts and rules). Latency is the client's, connection included; an
error is anything but the expected status (a refused or timed-out connection, a reset, a 5xx).
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

SECTION = "7 burst"
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_stack():
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GC_"))} | {"PORT": str(port)}
    child = subprocess.Popen([sys.executable, "-m", "scripts.local_stack"], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if child.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the local stack did not start")
                time.sleep(0.2)
        yield port
    finally:
        child.terminate()
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()


def one_client(port: int, requests: int, body: bytes, start: threading.Event, out: list) -> None:
    start.wait()
    for n in range(requests):
        began = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if n % 2:
                conn.request("POST", "/eligibility", body, {"Content-Type": "application/json"})
            else:
                conn.request("GET", "/banks")
            status = conn.getresponse().status
            conn.close()
            out.append((time.perf_counter() - began, status == 200 or f"HTTP {status}"))
        except OSError as exc:
            out.append((time.perf_counter() - began, type(exc).__name__))


def burst(port: int, clients: int, requests: int, body: bytes) -> dict:
    start, samples, threads = threading.Event(), [], []
    for _ in range(clients):
        thread = threading.Thread(target=one_client, args=(port, requests, body, start, samples))
        thread.start()
        threads.append(thread)
    began = time.perf_counter()
    start.set()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    latencies = sorted(s for s, _ in samples)
    failures = [ok for _, ok in samples if ok is not True]
    return {"requests": len(samples), "errors": len(failures), "error_kinds": sorted(set(failures)),
            "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
            "per_second": len(samples) / wall}


def run(results, clients: tuple = (50, 200), requests: int = 4) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.builders import valid_body
    body = json.dumps(valid_body("credit")).encode()
    with local_stack() as port:
        burst(port, 10, 2, body)   # warm: forms, rules and AWS clients loaded once
        for n in clients:
            figures = burst(port, n, requests, body)
            results.add(SECTION, f"{n} concurrent clients: errors", figures["errors"], "",
                        "0", figures["errors"] == 0)
            results.add(SECTION, f"{n} concurrent clients: p50", figures["p50_ms"], "ms")
            results.add(SECTION, f"{n} concurrent clients: p99", figures["p99_ms"], "ms")
            results.detail(SECTION, **{f"clients_{n}": figures})
