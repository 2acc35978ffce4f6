"""Operations: JSON log lines carry the request's and the application's correlation ids, and
decisions, dead-letter depth and outbox age leave as CloudWatch embedded-metric lines."""
import json
import logging
from datetime import timedelta

from chalicelib.catalog import Catalog
from chalicelib.services.deadlines import flag_overdue_reviews
from chalicelib.observability import JsonFormatter, measure
from tests.builders import valid_body


def _lines(caplog, logger):
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == logger]


def test_every_line_of_a_request_is_json_with_its_request_and_application_ids(world, caplog):
    me = world.enterprise()
    created = world.call("POST", "/applications", as_=me,
                         body=valid_body("entrepreneurship_guarantee", **{"enterprise.uscc": me[1]}))
    app_id = created.json["id"]
    with caplog.at_level(logging.INFO):
        reply = world.call("GET", f"/applications/{app_id}", as_=me, headers={"X-Request-Id": "trace-7"})
    assert reply.status == 200
    (line,) = [l for l in _lines(caplog, "getting_credit.access") if l["request_id"] == "trace-7"]
    assert line["application_id"] == app_id and line["status"] == 200 and line["level"] == "INFO"
    assert line["ts"].endswith("+00:00")


def test_a_decision_is_counted_as_an_embedded_metric_with_its_request_id(world, caplog):
    me = world.enterprise()
    with caplog.at_level(logging.INFO):
        reply = world.call("POST", "/applications", as_=me, headers={"X-Request-Id": "trace-8"},
                           body=valid_body("entrepreneurship_guarantee", **{"enterprise.uscc": me[1]}))
    assert reply.status == 201
    (metric,) = _lines(caplog, "getting_credit.metrics")
    (directive,) = metric["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "GettingCredit" and directive["Metrics"] == [{"Name": "Decisions", "Unit": "Count"}]
    assert metric["Decisions"] == 1 and metric["Route"] == "/applications" and metric["request_id"] == "trace-8"


def test_the_scheduled_gauges_report_dead_letter_depth_and_outbox_age(world, caplog):
    container = world.container
    dlq = container.resources.bank_queue("ICBC-BJ").dlq_name
    url = container.sqs.get_queue_url(QueueName=dlq)["QueueUrl"]
    container.sqs.send_message(QueueUrl=url, MessageBody="{}")
    with caplog.at_level(logging.INFO):
        lines = measure(container, Catalog.load().bank_codes())
    depth = {l["Queue"]: l["DlqDepth"] for l in lines if "DlqDepth" in l}
    assert depth[dlq] == 1 and depth[container.resources.agency_queue("hr").dlq_name] == 0
    (age,) = [l for l in lines if "OutboxAgeSeconds" in l]
    assert age["OutboxAgeSeconds"] >= 0 and age["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"] == "Seconds"
    assert len(_lines(caplog, "getting_credit.metrics")) == len(lines)


def test_the_scheduled_gauges_count_reviews_past_their_due_day(world, caplog, monkeypatch):
    world.submit("ip_pledge")                                   # due in 5 working days: not overdue
    world.submit("receivable_confirmation")                     # reviewed by its own purchasing unit
    container = world.container

    def gauges():
        return {l["Agency"]: l["ReviewsOverdue"] for l in measure(container, []) if "ReviewsOverdue" in l}
    with caplog.at_level(logging.INFO):
        assert gauges() == {"hr": 0, "ipo": 0, "realestate": 0, "purchaser": 0}
    later = container.clock.now() + timedelta(days=30)
    monkeypatch.setattr(container.clock, "now", lambda: later)  # a month on, both reviews are late
    assert gauges() == {"hr": 0, "ipo": 1, "realestate": 0, "purchaser": 1}
    assert flag_overdue_reviews(container) == 2                 # flagged late: still counted, once
    assert gauges() == {"hr": 0, "ipo": 1, "realestate": 0, "purchaser": 1}
