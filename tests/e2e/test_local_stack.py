"""`make run`'s stack as a new user meets it: a real HTTP server, an embedded moto server, boto3 SQS."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def stack():
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GC_"))} | {"PORT": str(port)}
    proc = subprocess.Popen([sys.executable, "-m", "scripts.local_stack"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/banks", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("the local stack did not start:\n" + proc.stdout.read())
            time.sleep(0.2)
    yield url, proc
    if proc.poll() is None:
        proc.kill()


def test_the_scripted_walk_of_a_credit_and_an_ip_pledge_loan_succeeds(stack):
    url, _ = stack
    walk = subprocess.run([sys.executable, "-m", "scripts.walkthrough"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=os.environ | {"API_URL": url})
    assert walk.returncode == 0, walk.stdout + walk.stderr


def test_ctrl_c_stops_everything_the_stack_started(stack):
    _, proc = stack
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, out
    assert "API" in out and "queue" in out.lower()
    assert "stopped" in out
