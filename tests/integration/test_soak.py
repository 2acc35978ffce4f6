"""After a soak, the statistics counters equal the figures recomputed from the applications (#15, item 6).

A small `make soak` runs as a user runs it (its own process: it patches moto and botocore for the
whole interpreter); and the check it ends with is shown, on moto here, to name a counter that
drifted from its applications."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import stats_check
from tests.builders import valid_offer

ROOT = Path(__file__).resolve().parents[2]
WINDOW = ("window", "w001")


@pytest.mark.slow
def test_a_small_soak_under_faults_ends_with_counters_equal_to_its_applications():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GC_"))} | {
        "SOAK_APPS": "20", "SOAK_SEED": "15"}
    run = subprocess.run([sys.executable, "-m", "scripts.soak"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    figures = dict(line.split(None, 1) for line in run.stdout.splitlines()[1:] if line.startswith("  ")
                   and len(line.split(None, 1)) == 2)
    assert figures["statistics_figures_unlike_the_applications"].strip() == "0"
    assert int(figures["offers_accepted"]) > 0       # there were approvals to count
    assert "RESULT: PASS" in run.stdout


def approved_and_accepted(world, n: int, district: str, banks: dict[str, int], accept: str | None) -> str:
    """A credit application of enterprise `n` that `banks` approve (bank -> amount, in that order)."""
    who = world.enterprise(n)
    reply = world.submit("credit", who=who, banks=list(banks), products=[],
                         **{"enterprise.district": district})
    assert reply.status == 201, reply.json
    app_id = reply.json["id"]
    for bank, amount in banks.items():
        decided = world.call("POST", f"/applications/{app_id}/bank-decision", as_=("bank", bank),
                             body=valid_offer("credit", bank, amount=amount))
        assert decided.status == 200, decided.json
    if accept:
        accepted = world.call("POST", f"/applications/{app_id}/accept", as_=who, body={"bank": accept})
        assert accepted.status == 200, accepted.json
    return app_id


def get_as_window(world):
    def get(path: str) -> dict:
        reply = world.call("GET", path, as_=WINDOW)
        assert reply.status == 200, reply.json
        return reply.json
    return get


def test_counters_agree_with_applications_including_an_offer_accepted_from_the_second_bank(world):
    approved_and_accepted(world, 1, "haidian", {"ICBC-BJ": 900_000, "BOB-BJ": 700_000}, accept="BOB-BJ")
    approved_and_accepted(world, 1, "haidian", {"ICBC-BJ": 500_000}, accept=None)
    approved_and_accepted(world, 2, "chaoyang", {"BOB-BJ": 300_000}, accept="BOB-BJ")
    world.submit("credit", who=world.enterprise(3))   # at the banks, never approved: counted nowhere
    assert stats_check.check(get_as_window(world), world.container.store.all_applications()) == []
    recomputed = stats_check.recompute(world.container.store.all_applications())
    assert recomputed[("bank", "BOB-BJ")]["approved_amount"] == 1_000_000   # the accepted offers
    assert recomputed[("bank", "ICBC-BJ")]["approved_count"] == 1


def test_a_counter_that_drifted_is_named_with_its_group_and_both_values(world):
    approved_and_accepted(world, 1, "haidian", {"ICBC-BJ": 900_000}, accept=None)
    world.container.dynamodb.update_item(   # a lost update: the bank's group counts 100 yuan more
        TableName=world.container.resources.table_name, Key={"PK": {"S": "STATS#bank"}, "SK": {"S": "G#ICBC-BJ"}},
        UpdateExpression="ADD approved_amount :d", ExpressionAttributeValues={":d": {"N": "100"}})
    found = stats_check.check(get_as_window(world), world.container.store.all_applications())
    assert found == ["approved_amount [bank=ICBC-BJ]: counters say 900100.0, the applications say 900000.0",
                     "average_amount_per_enterprise [bank=ICBC-BJ]: counters say 900100.0, "
                     "the applications say 900000.0"]
