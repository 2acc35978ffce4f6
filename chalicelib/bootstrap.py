"""Wiring in one place: builds each adapter lazily, once per cold start.

Nothing is created at import time, so importing `app` stays cheap (cold starts) and tests can
swap settings (`reset`) before anything touches AWS.
"""
from __future__ import annotations

import threading
from functools import cached_property

from .settings import Settings


class Container:
    def __init__(self, settings: Settings | None = None):
        self._settings = settings
        self._lock = threading.RLock()

    @cached_property
    def settings(self) -> Settings:
        return self._settings or Settings.from_env()

    @cached_property
    def resources(self):
        from .resources import Resources
        return Resources(self.settings.resource_prefix)

    @cached_property
    def _session(self):
        import boto3
        return boto3.session.Session(region_name=self.settings.region)

    def client(self, service: str, **config):
        from botocore.config import Config
        cfg = Config(retries={"max_attempts": 4, "mode": "standard"}, **config)
        return self._session.client(service, endpoint_url=self.settings.aws_endpoint_url, config=cfg)

    @cached_property
    def dynamodb(self):
        with self._lock:
            return self.client("dynamodb")

    @cached_property
    def sqs(self):
        with self._lock:
            return self.client("sqs")

    @cached_property
    def store(self):
        from .adapters.dynamodb import DynamoApplicationStore
        return DynamoApplicationStore(self.dynamodb, self.resources.table_name)

    @cached_property
    def sender(self):
        from .adapters.sqs import SqsSender
        return SqsSender(self.sqs, self.resources)

    @cached_property
    def clock(self):
        from .adapters.clock import SystemClock
        return SystemClock()

    @cached_property
    def ids(self):
        from .adapters.clock import UlidGenerator
        return UlidGenerator()

    @cached_property
    def calendar(self):
        from .adapters.clock import ChinaWorkingCalendar
        return ChinaWorkingCalendar()

    @cached_property
    def forms(self):
        from .forms import FormRegistry
        with self._lock:
            return FormRegistry.load()

    @cached_property
    def engine(self):
        from .rules_engine import DecisionEngine, RuleBook
        with self._lock:
            return DecisionEngine(RuleBook.load())

    @cached_property
    def catalog(self):
        from .catalog import Catalog
        return Catalog.load()


_container = Container()


def deps() -> Container:
    return _container


def reset(settings: Settings | None = None, **overrides) -> Container:
    """Start over with fresh adapters (tests); `overrides` replace individual pieces."""
    global _container
    _container = Container(settings)
    for name, value in overrides.items():
        _container.__dict__[name] = value
    return _container
