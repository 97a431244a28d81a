"""Job runs as rows, so that any server process can answer for a run: its state, progress and result; a
cancel asked of one process is seen by the process that runs the job."""

from __future__ import annotations

from sqlalchemy import select, update

from tunesmith.library.schema import Run, now

FINISHED = ("done", "failed", "cancelled")


def create_run(session, run_id: str, user_id: int, job: str, params: dict, total: int = 1) -> Run:
    run = Run(id=run_id, user_id=user_id, job=job, params=params, total=total)
    session.add(run)
    session.flush()
    return run


def get_run(session, user_id: int, run_id: str) -> Run | None:
    return session.scalar(select(Run).where(Run.id == run_id, Run.user_id == user_id))


def set_run(session, run_id: str, **fields) -> None:
    """Update a run's status, progress, result or error; a finished run gets its finishing time."""
    if fields.get("status") in FINISHED:
        fields["finished_at"] = now()
    session.execute(update(Run).where(Run.id == run_id).values(**fields))


def request_cancel(session, user_id: int, run_id: str) -> Run | None:
    run = get_run(session, user_id, run_id)
    if run is not None and run.status not in FINISHED:
        run.cancel = True
        session.flush()
    return run


def cancels_among(session, run_ids) -> set[str]:
    """Which of these runs someone asked to cancel."""
    if not run_ids:
        return set()
    return set(session.scalars(select(Run.id).where(Run.id.in_(list(run_ids)), Run.cancel.is_(True))))


def interrupted(session) -> int:
    """Mark the runs left queued or running by a server that stopped as failed; returns how many. Called when
    a single server process starts (not with several, where another process may be running them)."""
    r = session.execute(update(Run).where(Run.status.in_(("queued", "running")))
                        .values(status="failed", error="the server stopped before the run finished",
                                finished_at=now()))
    return r.rowcount


def describe(run: Run) -> dict:
    return {"id": run.id, "job": run.job, "status": run.status, "done": run.done, "total": run.total,
            "params": run.params, "result": run.result, "error": run.error,
            "created_at": run.created_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None}
