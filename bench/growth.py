"""4. Flat as data grows: a submission, a status read, the enterprise's unread notifications, a
material declared and read, and a review returned for one more item and its amendment, with
1,000 and with 100,000 applications.

Two tables live side by side in one moto account, one seeded with `small` applications and one
with `large`; requests alternate between them (first one, then the other, the order swapped each
round), so the machine's drift hits both alike. Per request: AWS calls, DynamoDB items written,
handler time. Every AWS operation name is counted, and a Scan anywhere fails the run: the design
allows only GetItem and Query on request paths.

Seeding writes copies of real stored applications (one per scenario, submitted through the API:
the application item, its history and its review index) straight into moto's table with
`Table.put_item` — what moto's BatchWriteItem runs per item, without the HTTP and botocore
layers, which would triple the seeding time. The table's stream is detached while seeding: the
copies are history, not changes for the fan-out to deliver.
"""
from __future__ import annotations

import time
from collections import Counter

from .handler import SCENARIOS, submit
from .timing import median

SECTION = "4 growth"
CLONE_PREFIX, REVIEW_PREFIX = "01SEEDAPP", "01SEEDREV"
FIRST_SEEDED_OWNER = 200_000


def template_items(world) -> list[tuple[str, str | None, str, list[dict]]]:
    """(application id, review id, owner, raw items) of one real application per scenario."""
    db, table = world.container.dynamodb, world.container.resources.table_name
    templates = []
    for n in range(len(SCENARIOS)):
        reply = submit(world, n)
        app_id, owner = reply.body["id"], reply.body["enterprise"]["uscc"]
        items = db.query(TableName=table, KeyConditionExpression="PK = :pk",
                         ExpressionAttributeValues={":pk": {"S": f"APP#{app_id}"}})["Items"]
        review_id = reply.body["reviews"][0]["id"] if reply.body["reviews"] else None
        if review_id:
            items.append(db.get_item(TableName=table, Key={"PK": {"S": f"REVIEW#{review_id}"},
                                                           "SK": {"S": "R"}})["Item"])
        templates.append((app_id, review_id, owner, items))
    return templates


def clone(item: dict, replacements: list[tuple[str, str]]) -> dict:
    out = {}
    for name, value in item.items():
        if "S" in value:
            text = value["S"]
            for old, new in replacements:
                text = text.replace(old, new)
            out[name] = {"S": text}
        else:
            out[name] = value
    return out


def seed(world, count: int) -> int:
    """`count` applications (copies of the templates under new ids and owners); items written."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from tests.builders import valid_uscc
    templates = template_items(world)
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][world.container.settings.region].get_table(
        world.container.resources.table_name)
    stream, table.stream_shard = table.stream_shard, None
    written = 0
    try:
        for k in range(count):
            app_id, review_id, owner, items = templates[k % len(templates)]
            new_id = f"{CLONE_PREFIX}{k:0{len(app_id) - len(CLONE_PREFIX)}d}"
            swaps = [(app_id, new_id), (owner, valid_uscc(FIRST_SEEDED_OWNER + k))]
            if review_id:
                swaps.append((review_id, f"{REVIEW_PREFIX}{k:0{len(review_id) - len(REVIEW_PREFIX)}d}"))
            for item in items:
                table.put_item(clone(item, swaps), overwrite=True)
                written += 1
    finally:
        table.stream_shard = stream
    return written


def status_read(world, reply):
    who = ("enterprise", reply.body["enterprise"]["uscc"])
    read = world.call("GET", f"/applications/{reply.body['id']}", as_=who)
    assert read.status == 200, read.body
    return read


def unread_notifications(world, reply):
    who = ("enterprise", reply.body["enterprise"]["uscc"])
    listed = world.call("GET", "/notifications?unread=true", as_=who)
    assert listed.status == 200, listed.body
    return listed


def material_declared_and_read(world, reply) -> tuple:
    import hashlib
    from tests.builders import SAMPLE_PDF
    who = ("enterprise", reply.body["enterprise"]["uscc"])
    declared = world.call("POST", "/materials", as_=who, body={
        "kind": "other", "filename": "note.pdf", "content_type": "application/pdf",
        "size": len(SAMPLE_PDF), "sha256": hashlib.sha256(SAMPLE_PDF).hexdigest()})
    assert declared.status == 201, declared.body
    read = world.call("GET", f"/materials/{declared.body['id']}", as_=who)
    assert read.status == 200, read.body
    return declared, read


def returned_and_amended(world, reply) -> tuple:
    """The first review returned for one more item, then the enterprise's amendment (None, None
    for a scenario no agency reviews)."""
    if not reply.body["reviews"]:
        return None, None
    pending = reply.body["reviews"][0]
    returned = world.call("POST", f"/reviews/{pending['id']}/decision", as_=("agency", pending["agency"]),
                          body={"outcome": "returned", "reason": "bench", "missing": [{"note": "补充说明"}]})
    assert returned.status == 200, returned.body
    amended = world.call("POST", f"/applications/{reply.body['id']}/amend",
                         as_=("enterprise", reply.body["enterprise"]["uscc"]), body={})
    assert amended.status == 200, amended.body
    return returned, amended


KINDS = ("submission", "status read", "unread notifications", "material declared", "material read",
         "review returned", "amendment")


def measure(worlds: dict, rounds: int) -> dict[str, dict[str, list]]:
    """Alternate a submission and the reads between the tables, swapping who goes first."""
    from .world import activate
    out = {label: {kind: [] for kind in KINDS} for label in worlds}
    labels = list(worlds)
    for n in range(rounds):
        for label in (labels if n % 2 == 0 else labels[::-1]):
            activate(worlds[label])
            reply = submit(worlds[label], 50_000 + n)
            out[label]["submission"].append(reply)
            out[label]["status read"].append(status_read(worlds[label], reply))
            out[label]["unread notifications"].append(unread_notifications(worlds[label], reply))
            declared, read = material_declared_and_read(worlds[label], reply)
            out[label]["material declared"].append(declared)
            out[label]["material read"].append(read)
            returned, amended = returned_and_amended(worlds[label], reply)
            if returned is not None:
                out[label]["review returned"].append(returned)
                out[label]["amendment"].append(amended)
    return out


def ratio(large: float, small: float) -> float:
    if small == 0:
        return 1.0 if large == 0 else float("inf")
    return large / small


def run(results, small: int = 1_000, large: int = 100_000, rounds: int = 150) -> None:
    from .world import activate, moto_world, second_container
    with moto_world() as world:
        big = second_container(world, "gc-bench-large")
        began = time.perf_counter()
        items = {"small": seed(world, small)}
        activate(big)
        items["large"] = seed(big, large)
        seeding = time.perf_counter() - began
        for w in (world, big):   # warm both paths (tokens, engine check) before measuring
            activate(w)
            status_read(w, submit(w, 60_000))
        before = world.meter.snapshot()
        measured = measure({"small": world, "large": big}, rounds)
        operations = world.meter.snapshot().minus(before).calls
        activate(world)
    report(results, measured, operations, {"small": small, "large": large}, items, seeding)


def report(results, measured, operations: Counter, sizes: dict, items: dict, seeding: float) -> None:
    figures = {}
    for kind in KINDS:
        per = {label: {"calls": median([r.aws.call_count for r in measured[label][kind]]),
                       "items": median([r.aws.items_written for r in measured[label][kind]]),
                       "handler_ms": median([r.handler_seconds * 1000 for r in measured[label][kind]]),
                       "own_ms": median([r.own_seconds * 1000 for r in measured[label][kind]])}
               for label in measured}
        figures[kind] = per
        for what, unit in (("calls", ""), ("items", ""), ("handler_ms", "")):
            r = ratio(per["large"][what], per["small"][what])
            name = {"calls": "AWS calls", "items": "items written", "handler_ms": "handler time"}[what]
            results.add(SECTION, f"{kind}: {name} {sizes['large']:,} ÷ {sizes['small']:,}", r, "×",
                        "≤ 1.2×", r <= 1.2)
        results.add(SECTION, f"{kind}: handler time at {sizes['large']:,} (median)", per["large"]["handler_ms"], "ms")
    scans = operations.get("Scan", 0)
    results.add(SECTION, "Scan calls on request paths", scans, "", "0", scans == 0)
    results.detail(SECTION, sizes=sizes, items_seeded=items, seeding_seconds=round(seeding, 1),
                   medians=figures, operations=dict(operations))
