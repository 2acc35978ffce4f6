"""2. Handler overhead: what one request costs in our own code, apart from its AWS calls.

Every request goes through Chalice's test client into the real Lambda handler on moto
in-process. Per request: the handler's wall time, the time inside AWS calls (botocore hooks,
see aws_meter.py), the difference (our code: routing, auth, validation, rules, views, JSON),
the AWS calls by operation and the DynamoDB items written. Three kinds of request, in the order
an application lives them: the submission, the agency's review decision, the bank's decision;
then what follows them: the enterprise's unread notifications and marking one read, and window
staff's list of reviews past their deadline (after the deadline schedule flagged some); a
material declared (its signed upload: no S3 call) and read back (a signed download), and an
application returned by its agency for one more item and amended; an enterprise of the data
zone reading its records and prefilling a form, and a bank holding its application reading them
(one Query for the application it holds, one PutItem for the read's log entry; locally the
records themselves come from the data-zone file, counted as our code); credit loans both of their
banks approved, their offers compared (one GetItem, the cost over the term computed in Decimal) and
one of them accepted by the enterprise (the accepted and closed messages in the same transaction);
complaints filed online, listed by window staff and answered (the notification and its gateway
message in the answer's transaction); consultation: an enterprise's question, window staff's
unanswered list and answer (its notification in the same transaction), the enterprise's list with
its unread total, the thread read (marking the answer read) and a call request checked against
the hours and the calendar.
"""
from __future__ import annotations

from collections import Counter

from .timing import median, percentile
from chalicelib.domain.application import SCENARIOS

SECTION = "2 handler"
BANK = "ICBC-BJ"
ENTERPRISES = 25
OWN_CODE_TARGET = {"submission", "unread notifications", "notification read", "overdue reviews (window)",
                   "material declared (signed upload)", "material read (signed download)",
                   "review returned", "amendment", "records read (enterprise)", "records read (bank, logged)",
                   "prefill", "offers compared", "offer accepted", "complaint filed", "complaints listed (window)",
                   "complaint answered", "thread started", "unanswered threads (window)", "thread answered",
                   "threads listed (enterprise)", "thread read", "call requested"}
S3_OPERATIONS = ("GetObject", "HeadObject", "PutObject", "PutObjectTagging", "HeadBucket", "ListObjectsV2")
SIGNING_ONLY = ("material declared (signed upload)", "material read (signed download)")


_MATERIALS: dict[tuple, list[str]] = {}   # (world, enterprise, scenario) → its uploaded materials


def submit(world, n: int):
    from tests.builders import valid_body, valid_uscc, with_materials
    who = ("enterprise", valid_uscc(n % ENTERPRISES))
    scenario = SCENARIOS[n % len(SCENARIOS)]
    body = valid_body(scenario, **{"enterprise.uscc": who[1]})
    key = (id(world), who, scenario)
    if key not in _MATERIALS:   # uploaded once per enterprise and scenario, outside the measured call
        def call(method, path, sent):
            reply = world.call(method, path, as_=who, body=sent)
            return reply.status, reply.body
        _MATERIALS[key] = with_materials(call, body)["materials"]
    body["materials"] = _MATERIALS[key]
    reply = world.call("POST", "/applications", as_=who, body=body)
    assert reply.status == 201, reply.body
    return reply


def review(world, application: dict):
    pending = application["reviews"][0]
    reply = world.call("POST", f"/reviews/{pending['id']}/decision", as_=("agency", pending["agency"]),
                       body={"approved": True, "reason": "bench"})
    assert reply.status == 200, reply.body
    return reply


def bank_decision(world, application: dict):
    """An approval inside the bank's published products for the scenario (others are refused)."""
    from tests.builders import valid_offer
    offer = valid_offer(application["scenario"], BANK, amount=500_000, reason="bench")
    reply = world.call("POST", f"/applications/{application['id']}/bank-decision", as_=("bank", BANK), body=offer)
    assert reply.status == 200, reply.body
    return reply


def read_notifications(world, count: int) -> tuple[list, list]:
    from tests.builders import valid_uscc
    lists, reads = [], []
    for n in range(count):
        who = ("enterprise", valid_uscc(n % ENTERPRISES))
        listed = world.call("GET", "/notifications?unread=true", as_=who)
        assert listed.status == 200 and listed.body["items"], listed.body
        lists.append(listed)
        read = world.call("POST", f"/notifications/{listed.body['items'][0]['id']}/read", as_=who)
        assert read.status == 200 and read.body["read"] is True, read.body
        reads.append(read)
    return lists, reads


def overdue_list(world, count: int, late: int = 40) -> list:
    """`late` reviews left undecided a month, flagged by the deadline schedule, listed by the window."""
    from datetime import timedelta
    from chalicelib.services.deadlines import flag_overdue_reviews
    for n in range(late):
        submit(world, 20_000 + n * len(SCENARIOS) + 1)        # scenario 1 and on: each needs a review
    container, real = world.container, world.container.clock

    class MonthLater:
        def now(self):
            return real.now() + timedelta(days=31)
    container.clock = MonthLater()
    try:
        assert flag_overdue_reviews(container) >= late
        replies = [world.call("GET", "/reviews?status=overdue", as_=("window", "w001")) for _ in range(count)]
    finally:
        container.clock = real
    assert all(r.status == 200 and len(r.body["items"]) == 20 for r in replies)
    return replies


def materials(world, count: int) -> tuple[list, list]:
    """Declared (a signed POST), uploaded outside the measure, read once (the stored object is
    checked then), and read again: the measured read only signs a download."""
    import hashlib
    from tests.builders import SAMPLE_PDF, upload_material, valid_uscc
    declared, reads = [], []
    for n in range(count):
        who = ("enterprise", valid_uscc(n % ENTERPRISES))
        sent = {"kind": "patent_certificate", "filename": "patent.pdf", "content_type": "application/pdf",
                "size": len(SAMPLE_PDF), "sha256": hashlib.sha256(SAMPLE_PDF).hexdigest()}
        reply = world.call("POST", "/materials", as_=who, body=sent)
        assert reply.status == 201, reply.body
        declared.append(reply)
    who = ("enterprise", valid_uscc(0))
    material_id, stored = upload_material(lambda m, p, b: (lambda r: (r.status, r.body))(world.call(m, p, as_=who, body=b)),
                                          "patent_certificate")
    assert stored == 204 and world.call("GET", f"/materials/{material_id}", as_=who).body["status"] == "uploaded"
    for _ in range(count):
        reply = world.call("GET", f"/materials/{material_id}", as_=who)
        assert reply.status == 200 and reply.body["download_url"], reply.body
        reads.append(reply)
    return declared, reads


def returned_and_amended(world, count: int) -> tuple[list, list]:
    """IP pledges the IP office returns for one more item, each then amended by its enterprise."""
    from tests.builders import valid_uscc
    returns, amendments = [], []
    for n in range(count):
        number = 30_000 + n * len(SCENARIOS) + SCENARIOS.index("ip_pledge")
        submitted = submit(world, number).body
        pending = submitted["reviews"][0]
        returned = world.call("POST", f"/reviews/{pending['id']}/decision", as_=("agency", pending["agency"]),
                              body={"outcome": "returned", "reason": "bench",
                                    "missing": [{"kind": "other", "note": "质押登记申请表"}]})
        assert returned.status == 200, returned.body
        returns.append(returned)
        who = ("enterprise", valid_uscc(number % ENTERPRISES))
        amended = world.call("POST", f"/applications/{submitted['id']}/amend", as_=who, body={})
        assert amended.status == 200 and amended.body["status"] == "in_review", amended.body
        amendments.append(amended)
    return returns, amendments


def records_and_prefill(world, count: int) -> tuple[list, list, list]:
    from scripts import datazone
    from tests.builders import valid_body
    records = datazone.find(lambda r: r["registration"]["industry_code"].startswith("65")
                            and r["social_insurance"]["insured_staff"] < 60)
    who = ("enterprise", records["uscc"])
    body = valid_body("credit", **{"enterprise.uscc": records["uscc"], "banks": [BANK]})
    assert world.call("POST", "/applications", as_=who, body=body).status == 201
    path = f"/enterprises/{records['uscc']}/records"
    own = [world.call("GET", path, as_=who) for _ in range(count)]
    bank = [world.call("GET", path, as_=("bank", BANK)) for _ in range(count)]
    prefills = [world.call("GET", "/forms/credit/prefill", as_=who) for _ in range(count)]
    assert all(r.status == 200 for r in own + bank + prefills)
    return own, bank, prefills


def offers_and_accept(world, count: int) -> tuple[list, list]:
    """Credit loans sent to two banks, both approving (outside the measure); the enterprise reads
    the offers side by side, then accepts the cheapest."""
    from tests.builders import valid_offer, valid_uscc
    credit = SCENARIOS.index("credit")
    submitted = [submit(world, 40_000 + n * len(SCENARIOS) + credit) for n in range(count)]
    world.pump()
    for reply in submitted:
        banks = [b["code"] for b in reply.body["banks"]]
        assert len(banks) == 2, banks
        for bank in banks:
            offer = valid_offer("credit", bank, amount=500_000, reason="bench")
            decided = world.call("POST", f"/applications/{reply.body['id']}/bank-decision", as_=("bank", bank),
                                 body=offer)
            assert decided.status == 200, decided.body
    world.pump()
    compared, accepted = [], []
    for n, reply in enumerate(submitted):
        who = ("enterprise", valid_uscc((40_000 + n * len(SCENARIOS) + credit) % ENTERPRISES))
        listed = world.call("GET", f"/applications/{reply.body['id']}/offers", as_=who)
        assert listed.status == 200 and len(listed.body) == 2, listed.body
        compared.append(listed)
        taken = world.call("POST", f"/applications/{reply.body['id']}/accept", as_=who,
                           body={"bank": listed.body[0]["bank"]})
        assert taken.status == 200 and taken.body["status"] == "accepted", taken.body
        accepted.append(taken)
    return compared, accepted


def complaints(world, count: int) -> tuple[list, list, list]:
    """Complaints filed online, window staff's first page of the open ones, and each answered."""
    from tests.builders import valid_uscc
    window = ("window", "w001")
    filed = []
    for n in range(count):
        reply = world.call("POST", "/complaints", as_=("enterprise", valid_uscc(n % ENTERPRISES)),
                           body={"about": "service", "text": f"bench {n}"})
        assert reply.status == 201, reply.body
        filed.append(reply)
    listed = [world.call("GET", "/complaints?status=open", as_=window) for _ in range(count)]
    assert all(r.status == 200 and len(r.body["items"]) == 20 for r in listed)
    answered = [world.call("POST", f"/complaints/{f.body['id']}/answer", as_=window, body={"text": "bench"})
                for f in filed]
    assert all(r.status == 200 and r.body["status"] == "closed" for r in answered)
    return filed, listed, answered


def consultation(world, count: int) -> dict[str, list]:
    """Each enterprise asks, the window lists the unanswered and answers, the enterprise lists its
    threads (with its unread total), reads the answer and asks for a call on the next working day."""
    from datetime import date
    from chalicelib.adapters.clock import ChinaWorkingCalendar
    from tests.builders import valid_uscc
    staff = ("window", "w-bench")
    slot = f"{ChinaWorkingCalendar().add_working_days(date.today(), 1)}T10:00:00+08:00"
    measured: dict[str, list] = {kind: [] for kind in ("thread started", "unanswered threads (window)", "thread answered",
                                                       "threads listed (enterprise)", "thread read", "call requested")}
    for n in range(count):
        who = ("enterprise", valid_uscc(n % ENTERPRISES))
        started = world.call("POST", "/threads", as_=who, body={"subject": "首贷贴息", "text": "需要哪些材料？"})
        path = f"/threads/{started.body['id']}"
        replies = [("thread started", started),
                   ("unanswered threads (window)", world.call("GET", "/threads?unanswered=true&limit=20", as_=staff)),
                   ("thread answered", world.call("POST", f"{path}/messages", as_=staff, body={"text": "营业执照即可。"})),
                   ("threads listed (enterprise)", world.call("GET", "/threads?limit=20", as_=who)),
                   ("thread read", world.call("GET", path, as_=who)),
                   ("call requested", world.call("POST", f"{path}/call-requests", as_=who,
                                                 body={"kind": "voice", "slot": slot}))]
        for kind, reply in replies:
            assert reply.status in (200, 201), (kind, reply.body)
            measured[kind].append(reply)
    return measured


def summarise(replies: list) -> dict:
    """Medians (and the 90th percentile of time) over the measured requests of one kind."""
    own = [r.own_seconds * 1000 for r in replies]
    operations = Counter()
    for r in replies:
        operations.update(r.aws.calls)
    return {
        "requests": len(replies),
        "own_ms_median": median(own), "own_ms_p90": percentile(own, 0.9),
        "aws_ms_median": median([r.aws.seconds * 1000 for r in replies]),
        "handler_ms_median": median([r.handler_seconds * 1000 for r in replies]),
        "aws_calls_median": median([r.aws.call_count for r in replies]),
        "items_written_median": median([r.aws.items_written for r in replies]),
        "calls_per_request_by_operation": {op: round(c / len(replies), 2) for op, c in sorted(operations.items())},
    }


def lifecycle(world, count: int, warmup: int = 10) -> dict[str, list]:
    """Submit `count` applications, decide every review, then have the bank decide each one."""
    for n in range(warmup):
        submit(world, 10_000 + n)
    submissions = [submit(world, n) for n in range(count)]
    world.pump()
    reviews = [review(world, s.body) for s in submissions if s.body["reviews"]]
    world.pump()
    decisions = [bank_decision(world, s.body) for s in submissions]
    world.pump()
    lists, reads = read_notifications(world, min(count, 200))
    declared, material_reads = materials(world, min(count, 200))
    returns, amendments = returned_and_amended(world, min(count, 100))
    own_reads, bank_reads, prefills = records_and_prefill(world, min(count, 200))
    compared, accepted = offers_and_accept(world, min(count, 100))
    filed, listed, answered = complaints(world, min(count, 100))
    return {"records read (enterprise)": own_reads, "records read (bank, logged)": bank_reads,
            "prefill": prefills,
            "submission": submissions, "review decision": reviews, "bank decision": decisions,
            "unread notifications": lists, "notification read": reads,
            "overdue reviews (window)": overdue_list(world, min(count, 200)),
            "material declared (signed upload)": declared, "material read (signed download)": material_reads,
            "review returned": returns, "amendment": amendments,
            "offers compared": compared, "offer accepted": accepted,
            "complaint filed": filed, "complaints listed (window)": listed, "complaint answered": answered,
            **consultation(world, min(count, 100))}


def run(results, submissions: int = 300) -> None:
    from .world import moto_world
    with moto_world() as world:
        measured = lifecycle(world, submissions)
    for kind, replies in measured.items():
        s = summarise(replies)
        target = ("≤ 2 ms", s["own_ms_median"] <= 2.0) if kind in OWN_CODE_TARGET else ("", None)
        results.add(SECTION, f"{kind}: own code, median", s["own_ms_median"], "ms", *target)
        results.add(SECTION, f"{kind}: inside AWS calls, median", s["aws_ms_median"], "ms")
        results.add(SECTION, f"{kind}: AWS calls, median", s["aws_calls_median"])
        results.add(SECTION, f"{kind}: DynamoDB items written, median", s["items_written_median"])
        results.detail(SECTION, **{kind: s})
    s3_calls = sum(count for kind in SIGNING_ONLY for r in measured[kind]
                   for op, count in r.aws.calls.items() if op in S3_OPERATIONS)
    results.add(SECTION, "S3 calls on the signing routes", s3_calls, "", "0", s3_calls == 0)
    scans = sum(r.aws.calls.get("Scan", 0) for replies in measured.values() for r in replies)
    results.add(SECTION, "Scan calls on these request paths", scans, "", "0", scans == 0)
