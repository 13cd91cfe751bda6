"""The worker processes `serve` runs beside its web process (SERVE_WORKERS).

The web process answers webhooks and pages and only enqueues syncs; the workers take them from the
durable queue. Separate interpreters, so an ack never waits behind a sync's CPU for the GIL. Each
worker is `tripleseat-revel worker` with an executor id derived from the web process's, stable
across restarts, so a restarted `serve` recovers each worker's unfinished syncs under the same id.

Workers run at a lower CPU priority than the web process (WORKER_NICE): on a busy machine the
acks go first and the syncs take the rest. A worker dies with its parent (Linux:
PR_SET_PDEATHSIG; elsewhere it notices its parent is gone within a second), so a `serve` killed
with SIGKILL leaves no worker holding its ids behind. A worker that exits is started again.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from tripleseat_revel.logging import get_logger

log = get_logger(__name__)
PR_SET_PDEATHSIG = 1
RESTART_PAUSE = 1.0
WORKER_NICE = 5  # CPU priority below the web process's (acks first; syncs take what is left)


def worker_executor_id(base: str, index: int) -> str:
    """The executor id of `serve`'s worker number `index` (from 1)."""
    return f"{base}-w{index}"


def _worker_setup() -> None:
    """preexec_fn: the kernel kills the child when the parent dies (Linux); and the child yields
    the CPU to the web process (a lower priority), so an ack never waits for a sync's turn."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:  # not Linux: the worker watches its parent instead (cli.worker)
        pass
    os.nice(WORKER_NICE)


class WorkerPool:
    """`count` worker processes, each kept running until `stop`."""

    def __init__(self, count: int, base_executor_id: str, *, command: list[str] | None = None) -> None:
        self.count = count
        self.base = base_executor_id
        self.command = command or [sys.executable, "-m", "tripleseat_revel", "worker", "--parent-pid"]
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="worker-pool", daemon=True)

    def _spawn(self, index: int) -> None:
        env = {**os.environ, "EXECUTOR_ID": worker_executor_id(self.base, index)}
        command = [*self.command, str(os.getpid())]
        self.procs[index] = subprocess.Popen(command, env=env, preexec_fn=_worker_setup)  # noqa: S603
        log.info("worker.started", executor_id=env["EXECUTOR_ID"], pid=self.procs[index].pid)

    def start(self) -> None:
        for index in range(1, self.count + 1):
            self._spawn(index)
        self._thread.start()

    @property
    def executor_ids(self) -> list[str]:
        return [worker_executor_id(self.base, index) for index in range(1, self.count + 1)]

    def wait_ready(self, ready: Callable[[list[str]], bool], timeout: float = 120) -> bool:
        """Wait until `ready(executor_ids)` (each worker registered since it was started), so
        `serve` listens once its syncs can run; False if it took longer than `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready(self.executor_ids):
                return True
            if self._stop.wait(0.1):
                return False
        log.warning("worker.not_ready", executors=self.executor_ids, seconds=timeout)
        return False

    def _watch(self) -> None:
        while not self._stop.wait(RESTART_PAUSE):
            for index, proc in list(self.procs.items()):
                if proc.poll() is not None and not self._stop.is_set():
                    log.warning("worker.exited", index=index, status=proc.returncode)
                    self._spawn(index)

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM every worker (each finishes or checkpoints its syncs), then wait."""
        self._stop.set()
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def watch_parent(parent_pid: int, stop: Callable[[], None]) -> threading.Thread:
    """Call `stop` once the process `parent_pid` is gone (where PR_SET_PDEATHSIG is not there)."""

    def run() -> None:
        while os.getppid() == parent_pid:
            threading.Event().wait(1.0)
        stop()

    thread = threading.Thread(target=run, name="parent-watch", daemon=True)
    thread.start()
    return thread
