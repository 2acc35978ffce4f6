"""The wiring: pieces handed in by tests, and rules refreshed only when asked."""
import pytest

from chalicelib import bootstrap
from chalicelib.adapters.memory import InMemoryApplicationStore
from chalicelib.bootstrap import Container
from chalicelib.settings import Settings

SETTINGS = Settings.from_env({"GC_STAGE": "test"})


class CountingStore(InMemoryApplicationStore):
    def __init__(self):
        super().__init__()
        self.revision_reads = 0

    def rules_revision(self) -> int:
        self.revision_reads += 1
        return super().rules_revision()


def test_reading_the_engine_never_reads_the_table_only_the_explicit_refresh_does(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(bootstrap.time, "monotonic", lambda: clock[0])
    store, engine = CountingStore(), object()
    container = Container(SETTINGS, store=store, engine=engine)
    clock[0] += bootstrap.RULES_CHECK_SECONDS + 1
    assert container.engine is engine and store.revision_reads == 0
    container.refresh_rules_if_stale()
    assert store.revision_reads == 1 and container.engine is engine   # same revision: nothing recompiled
    container.refresh_rules_if_stale()
    assert store.revision_reads == 1                                  # checked just now


def test_a_piece_handed_in_replaces_the_built_one_and_a_misspelt_one_is_refused():
    store = InMemoryApplicationStore()
    assert Container(SETTINGS, store=store).store is store
    with pytest.raises(TypeError):
        Container(SETTINGS, stor=store)
