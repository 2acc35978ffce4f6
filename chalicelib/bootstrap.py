"""Wiring in one place: builds each adapter lazily, once per cold start.

Nothing is created at import time, so importing `app` stays cheap (cold starts) and tests can
swap settings or pieces (`reset`, `Container(..., store=fake)`) before anything touches AWS.
The container is what the services know as `Deps` (services/ports.py).
"""
from __future__ import annotations

import threading
import time
from functools import cached_property

from .settings import Settings


RULES_CHECK_SECONDS = 30  # how stale a warm container's view of published rules may get


# The pieces a test may hand in ready-made instead of having them built (`engine` included).
PIECES = frozenset({"resources", "dynamodb", "sqs", "store", "sender", "files", "cursors", "clock", "ids",
                    "calendar", "forms", "facts_provider", "catalog", "engine", "notice_texts",
                    "datazone", "records_log", "service_hours"})


MAX_POOL_CONNECTIONS = 64


class Container:
    def __init__(self, settings: Settings | None = None, **pieces):
        """`pieces` replace the ones this container would build (tests: fakes, or parts shared
        across tests such as the compiled engine). An unknown name is a typo: refused."""
        self._settings = settings
        self._lock = threading.RLock()
        self._engine = None
        self._engine_checked = 0.0
        self._rules_revision = None
        unknown = set(pieces) - PIECES
        if unknown:
            raise TypeError(f"no such piece to replace: {sorted(unknown)}")
        engine = pieces.pop("engine", None)
        if engine is not None:
            self.use_engine(engine)
        for name, value in pieces.items():
            setattr(self, name, value)   # a cached_property yields to a value set on the instance

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
        """A client shared by every thread of the process. Its connection pool is as large as the
        request threads `make run` serves at once (botocore's default of 10 made a 20-client load
        open and discard a connection on most AWS calls); a Lambda, one request at a time, uses one."""
        from botocore.config import Config
        cfg = Config(**{"retries": {"max_attempts": 4, "mode": "standard"},
                        "max_pool_connections": MAX_POOL_CONNECTIONS, **config})
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
    def files(self):
        """The materials bucket. Path-style addressing against a local endpoint (moto on
        127.0.0.1), so a signed URL works there with `curl`; SigV4 everywhere (the China regions
        accept nothing else)."""
        from .adapters.s3 import S3Files
        style = "path" if self.settings.aws_endpoint_url else "auto"
        with self._lock:
            client = self.client("s3", signature_version="s3v4", s3={"addressing_style": style})
        return S3Files(client, self.resources.bucket_name)

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
        """The decision engine for the repository's rule files plus every published version, as
        last loaded: built on first use, then brought up to date only by an explicit
        `refresh_rules_if_stale()` (each request does it once, see api/http.py)."""
        if self._engine is None:
            self.refresh_rules(force=False)
        return self._engine

    def refresh_rules_if_stale(self) -> None:
        """A warm container looks at the rules revision at most every RULES_CHECK_SECONDS and
        compiles only versions it has not seen (each version is its own durable-rules ruleset).
        Before the engine was first used there is nothing to refresh: that use loads it."""
        if self._engine is not None and time.monotonic() - self._engine_checked > RULES_CHECK_SECONDS:
            self.refresh_rules(force=False)

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
    def datazone(self):
        """Deployed: the DATAZONE# items of the table. Locally: the generated data set's file,
        built on first use (a few seconds) and kept in build/datazone/."""
        settings = self.settings
        if settings.datazone == "table":
            from .adapters.datazone import DynamoDataZone
            return DynamoDataZone(self.dynamodb, self.resources.table_name)
        from scripts.datazone import default_path, ensure
        from .adapters.datazone import FileDataZone
        with self._lock:
            path = settings.datazone_file or default_path(settings.datazone_size, settings.datazone_seed)
            return FileDataZone(ensure(path, settings.datazone_size, settings.datazone_seed))

    @cached_property
    def records_log(self):
        from .adapters.records_log import DynamoRecordsLog
        return DynamoRecordsLog(self.dynamodb, self.resources.table_name)

    @cached_property
    def notice_texts(self):
        from .services.notifications import NoticeTexts
        with self._lock:
            return NoticeTexts.load()

    @cached_property
    def service_hours(self):
        """When the window takes calls (data/service_hours.yaml, checked when loaded)."""
        from .services.threads import load_service_hours
        with self._lock:
            return load_service_hours()

    @cached_property
    def catalog(self):
        from .catalog import Catalog
        return Catalog.load()


_container = Container()


def deps() -> Container:
    return _container


def reset(settings: Settings | None = None, **pieces) -> Container:
    """Start over with fresh adapters (tests); `pieces` replace individual ones (see Container)."""
    global _container
    _container = Container(settings, **pieces)
    return _container
