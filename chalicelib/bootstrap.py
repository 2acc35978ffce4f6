"""Wiring in one place: builds each adapter lazily, once per cold start.

Nothing is created at import time, so importing `app` stays cheap (cold starts) and tests can
swap settings (`reset`) before anything touches AWS.
"""
from __future__ import annotations

import threading
import time
from functools import cached_property

from .settings import Settings


RULES_CHECK_SECONDS = 30  # how stale a warm container's view of published rules may get


class Container:
    def __init__(self, settings: Settings | None = None):
        self._settings = settings
        self._lock = threading.RLock()
        self._engine = None
        self._engine_checked = 0.0
        self._rules_revision = None

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
    def cursors(self):
        from .services.cursors import CursorSeal
        return CursorSeal(self.settings.cursor_secret)

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

    @property
    def engine(self):
        """The decision engine for the repository's rule files plus every published version.

        A warm container looks at the rules revision at most every RULES_CHECK_SECONDS and
        compiles only versions it has not seen (each version is its own durable-rules ruleset)."""
        if self._engine is None or time.monotonic() - self._engine_checked > RULES_CHECK_SECONDS:
            self.refresh_rules(force=False)
        return self._engine

    def refresh_rules(self, force: bool = True) -> None:
        from .rules_engine import DecisionEngine, RuleBook
        with self._lock:
            revision = self.store.rules_revision()
            if force or self._engine is None or revision != self._rules_revision:
                published = [(p.file_name, p.content.encode("utf-8")) for p in self.store.published_rulesets()]
                book = RuleBook.load(extra=published)
                self._engine = self._engine.with_book(book) if self._engine else DecisionEngine(book)
                self._rules_revision = revision
            self._engine_checked = time.monotonic()

    def use_engine(self, engine, revision: int = 0) -> None:
        """Start from an engine built elsewhere (tests share one across fresh stores)."""
        self._engine, self._rules_revision, self._engine_checked = engine, revision, time.monotonic()

    @cached_property
    def facts_provider(self):
        from .adapters.facts_provider import FileFactsProvider
        return FileFactsProvider.load()

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
    engine = overrides.pop("engine", None)
    if engine is not None:
        _container.use_engine(engine)
    for name, value in overrides.items():
        _container.__dict__[name] = value
    return _container
