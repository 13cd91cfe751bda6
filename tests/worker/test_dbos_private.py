"""The DBOS internals the worker uses were written for one DBOS version: moving the pin means
re-reading worker/dbos_private.py."""

from __future__ import annotations

from importlib.metadata import version

from dbos import DBOS
from dbos import _dbos as dbos_module

from tripleseat_revel.worker import dbos_private


def test_the_installed_dbos_is_the_one_the_private_calls_were_written_for() -> None:
    assert version("dbos") == dbos_private.WRITTEN_FOR


def test_the_private_names_still_exist() -> None:
    assert callable(DBOS._recover_pending_workflows)
    assert hasattr(dbos_module, "_dbos_global_instance")
    assert "background_thread_stop_events" in DBOS.__init__.__code__.co_names
    assert "_active_workflows_set" in DBOS.__init__.__code__.co_names
    assert "_executor_field" in DBOS.__init__.__code__.co_names
    # destroy() finds the queue manager thread by the name Python gives a thread of that target
    from dbos._queue import queue_thread

    assert queue_thread.__name__ == "queue_thread"
    assert issubclass(dbos_private.MaxStepRetriesExceeded, dbos_private.DBOSException)
