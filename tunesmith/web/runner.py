"""Runs jobs in the background: a bounded queue of runs, and job worker processes that take them one at a
time, with progress and events for each run, cancelling, and a time limit.

A cancel or a timeout kills the worker process, so it works whatever the job is doing (a long beam search
included), and a fresh worker forks from the forkserver at once. A run's state is also written to the
database (tunesmith.library.runs), so that with several server processes any of them can answer for it; a
cancel asked of another process is seen here within half a second.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tunesmith.web import worker

log = logging.getLogger(__name__)
POLL = 0.1  # seconds between looks at a running run's pipe, cancel flag and deadline
CANCEL_POLL = 0.5  # seconds between looks at the database for cancels asked of other processes
KEEP_EVENTS = 120  # seconds a finished run's events stay for late listeners


class Busy(Exception):
    """The queue of runs is full."""


@dataclass(eq=False)
class LocalRun:
    """A run of this process: what it needs, what it has sent so far, and who waits for more."""

    id: str
    user_id: int
    job: str
    params: dict
    inputs: list[str]
    out_dir: Path
    input_titles: list[str] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    started: bool = False
    finished: bool = False
    finished_at: float = 0.0  # time.monotonic()
    cancel: threading.Event = field(default_factory=threading.Event)
    _waiters: set = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def claim(self) -> bool:
        """Start the run unless it was cancelled while it waited; True if it is now this caller's to run."""
        with self._lock:
            if self.started:  # Runner.cancel got there first, and ends it
                return False
            self.started = True
            return True

    def push(self, event: dict, last: bool = False) -> None:
        with self._lock:
            self.events.append(event)
            if last:
                self.finished, self.finished_at = True, time.monotonic()
            waiters = list(self._waiters)
        for loop, ev in waiters:
            loop.call_soon_threadsafe(ev.set)

    async def wait(self, seen: int, timeout: float) -> None:
        """Return when more than `seen` events exist or the run has finished (or after `timeout`)."""
        ev, loop = asyncio.Event(), asyncio.get_running_loop()
        with self._lock:
            if len(self.events) > seen or self.finished:
                return
            self._waiters.add((loop, ev))
        try:
            await asyncio.wait_for(ev.wait(), timeout)
        except TimeoutError:
            pass
        finally:
            with self._lock:
                self._waiters.discard((loop, ev))


class Runner:
    """`submit` runs; `on_finish(run, status, result, error)` is called (in a runner thread) as each ends."""

    def __init__(self, settings, on_status, on_finish, cancels_among=lambda ids: set()):
        self.settings = settings
        self.on_status, self.on_finish, self.cancels_among = on_status, on_finish, cancels_among
        self.queue: queue.Queue = queue.Queue(maxsize=settings.queue_size)
        self.runs: dict[str, LocalRun] = {}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(worker.PRELOAD)

    def start(self) -> None:
        for i in range(self.settings.job_workers):
            t = threading.Thread(target=self._slot, name=f"job-slot-{i}", daemon=True)
            t.start()
            self._threads.append(t)
        t = threading.Thread(target=self._watch_cancels, name="job-cancels", daemon=True)
        t.start()
        self._threads.append(t)

    def stop(self) -> None:
        self._stop.set()
        for run in list(self.runs.values()):
            run.cancel.set()  # the slots stop what they run; nothing is stored any more
        for t in self._threads:
            t.join(timeout=10)

    def submit(self, run: LocalRun) -> None:
        """Queue a run, or Busy when the queue is full."""
        now = time.monotonic()
        for old in [r for r in list(self.runs.values()) if r.finished and now - r.finished_at > KEEP_EVENTS]:
            self.runs.pop(old.id, None)  # the database keeps its state
        self.runs[run.id] = run
        try:
            self.queue.put_nowait(run)
        except queue.Full:
            self.runs.pop(run.id, None)
            raise Busy from None

    def cancel(self, run: LocalRun) -> None:
        """Cancel a run: one still waiting ends at once; a running one when its worker has been killed."""
        with run._lock:
            waiting = not run.started
            run.started = True  # no slot takes it now
            run.cancel.set()
        if waiting:
            self._finish(run, "cancelled", None, "cancelled before it started")

    def local(self, run_id: str) -> LocalRun | None:
        return self.runs.get(run_id)

    def waiting(self) -> int:
        return self.queue.qsize()

    # --- inside the runner's threads -----------------------------------------------------------------------
    def _new_worker(self):
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=worker.main, args=(child, self.settings.parse_seconds,
                                                           self.settings.parse_memory), daemon=True)
        proc.start()
        child.close()
        return proc, parent

    def _slot(self) -> None:
        proc = conn = None
        while not self._stop.is_set():
            try:
                run = self.queue.get(timeout=0.5)
            except queue.Empty:
                continue
            if proc is None or not proc.is_alive():
                proc, conn = self._new_worker()
            try:
                if not self._execute(run, conn):
                    proc.kill()
                    proc.join()
                    proc = None
            except Exception:  # never lose the slot: the run fails, the next one gets a fresh worker
                log.exception("run %s", run.id)
                self._finish(run, "failed", None, "internal error in the runner")
                proc.kill()
                proc = None
        if proc is not None:
            try:
                conn.send(None)
            except OSError:
                pass
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()

    def _execute(self, run: LocalRun, conn) -> bool:
        """Run one run on the worker at `conn`; False when the worker must be killed (cancel, timeout, died)."""
        if not run.claim():
            return True
        self.on_status(run, status="running")
        run.push({"type": "status", "status": "running"})
        conn.send((run.id, run.job, run.params, run.inputs, str(run.out_dir)))
        deadline = time.monotonic() + self.settings.job_seconds
        while True:
            if run.cancel.is_set():
                self._finish(run, "cancelled", None, "cancelled")
                return False
            if time.monotonic() > deadline:
                self._finish(run, "failed", None, f"took longer than {self.settings.job_seconds:g} s, the "
                             "limit of one run")
                return False
            if not conn.poll(POLL):
                continue
            try:
                kind, payload = conn.recv()
            except (EOFError, OSError):
                self._finish(run, "failed", None, "the job's worker process died (out of memory?)")
                return False
            if kind == "event":
                run.push(payload)
                if payload.get("type") == "progress":
                    self.on_status(run, done=payload["done"], total=payload["total"])
            elif kind == "done":
                self._finish(run, "done", payload, None)
                return True
            else:
                self._finish(run, "failed", None, payload)
                return True

    def _finish(self, run: LocalRun, status: str, result, error) -> None:
        try:
            result = self.on_finish(run, status, result, error)
        except Exception as e:  # storing the result failed: the run fails, with why
            log.exception("storing run %s", run.id)
            status, result, error = "failed", None, f"could not store the result: {type(e).__name__}"
            self.on_status(run, status=status, error=error)
        run.push({"type": status, "result": result, "error": error}, last=True)

    def _watch_cancels(self) -> None:
        while not self._stop.wait(CANCEL_POLL):
            active = [r for r in list(self.runs.values()) if not r.finished and not r.cancel.is_set()]
            if not active:
                continue
            try:
                asked = self.cancels_among([r.id for r in active])
            except Exception:  # the database is briefly unreachable: look again next time
                log.warning("could not read cancels", exc_info=True)
                continue
            for r in active:
                if r.id in asked:
                    self.cancel(r)
