"""Load on the studio's HTTP API: concurrent clients on loopback, each signed in as its own user, composing
(4 bars, MIDI and the report), reading its library and a piece's score, asking for recommendations and rating,
for a fixed time. Reports errors, requests, p50/p99 latency per kind of request and pieces composed per minute.

    python bench/load.py                              # 50 clients, 60 s, one server process on SQLite
    python bench/load.py --workers 2 --postgres       # two server processes on a PostgreSQL of its own

The server is `tunesmith serve` in a subprocess (a fresh data folder; the corpora of the user's cache for the
recommendations). With --postgres, a PostgreSQL server is started in a temporary folder (initdb, pg_ctl; as the
`postgres` user when run as root) and stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import glob
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx
import numpy as np
from machine import cpu_name

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def postgres():
    """A PostgreSQL server in a temporary folder: a URL of its database `tunesmith`."""
    import pwd

    bindir = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]).parent
    folder = tempfile.mkdtemp(prefix="tunesmith-load-pg-")
    user = {}
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(folder, pw.pw_uid, pw.pw_gid)
        user = {"user": pw.pw_uid, "group": pw.pw_gid}
    port, data = free_port(), os.path.join(folder, "data")

    def run(*cmd):
        subprocess.run(cmd, check=True, capture_output=True, cwd=folder, **user)

    try:
        run(str(bindir / "initdb"), "-D", data, "-U", "tunesmith", "--auth=trust", "-E", "UTF8", "--no-locale")
        run(str(bindir / "pg_ctl"), "-D", data, "-l", os.path.join(folder, "log"), "-w", "start", "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=300")
        run(str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "tunesmith", "tunesmith")
        yield f"postgresql://tunesmith@127.0.0.1:{port}/tunesmith"
        run(str(bindir / "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def studio(workers: int, job_workers: int, db: str | None):
    port = free_port()
    data = tempfile.mkdtemp(prefix="tunesmith-load-")
    cmd = [sys.executable, "-m", "tunesmith", "serve", "--port", str(port), "--data", data, "--workers",
           str(workers), "--job-workers", str(job_workers), "--queue", "200", "--no-embed"]
    if db:
        cmd += ["--db", db]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:  # up, with its catalog of built-in pieces loaded
                if httpx.get(url + "/api/health", timeout=2).json()["catalog"] is not None:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        else:
            raise SystemExit("the studio did not start: " + (proc.stdout.read() if proc.poll() is not None else ""))
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(data, ignore_errors=True)


async def client(url: str, n: int, until: float, stats: dict, rng: random.Random) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=300) as c:
        r = await c.post("/api/users", json={"name": f"load{n}", "password": "load-password"})
        c.headers["Authorization"] = f"Bearer {r.json()['token']}"
        c.cookies.clear()
        pieces, catalog = [], None

        async def call(kind, method, path, **kw):
            t = time.perf_counter()
            try:
                r = await c.request(method, path, **kw)
                ok = r.status_code < 400
            except httpx.HTTPError:
                r, ok = None, False
            stats[kind].append(time.perf_counter() - t)
            if not ok:
                stats["errors"].append((kind, r.status_code if r is not None else "no answer"))
            return r if ok else None

        while time.monotonic() < until:
            body = {"request": {"bars": 4, "seed": rng.randrange(1 << 30)}, "formats": ["mid"],
                    "model": rng.choice(["chorales", "folk"])}
            r = await call("compose", "POST", "/api/jobs/compose?wait=true", json=body)
            if r is not None and r.json()["status"] == "done":
                pieces += [p["id"] for p in r.json()["result"]["pieces"]]
                stats["pieces"].append(time.monotonic())
            for _ in range(3):
                await call("library", "GET", "/api/pieces?limit=20")
                if pieces:
                    await call("score", "GET", f"/api/pieces/{rng.choice(pieces)}/files/score")
            recs = await call("recommend", "GET", "/api/recommendations?n=10")
            if not catalog and recs is not None:
                catalog = [p["item"] for p in recs.json()["pieces"] if p["item"].startswith("corpus:")]
            if catalog:
                rating = {"item": rng.choice(catalog), "stars": rng.randint(1, 5)}
                await call("rate", "PUT", "/api/ratings", json=rating)


async def run(url: str, clients: int, seconds: float) -> dict:
    stats = defaultdict(list)
    start = time.monotonic()
    until = start + seconds
    await asyncio.gather(*(client(url, i, until, stats, random.Random(i)) for i in range(clients)))
    stats["wall"] = time.monotonic() - start
    stats["window"] = seconds
    return stats


def report(stats: dict, label: str) -> str:
    lines = [f"**{label}**: {sum(len(stats[k]) for k in ('compose', 'library', 'score', 'recommend', 'rate'))} "
             f"requests, **{len(stats['errors'])} errors**, "
             f"**{len(stats['pieces']) * 60 / stats['wall']:.1f} pieces per minute** ({len(stats['pieces'])} pieces "
             f"in {stats['wall']:.0f} s, the last compositions finishing after the {stats['window']:.0f} s window)", "",
             "| request | n | p50 ms | p99 ms |", "|---|---|---|---|"]
    for kind in ("compose", "library", "score", "recommend", "rate"):
        ms = np.array(stats[kind]) * 1000
        if len(ms):
            lines.append(f"| {kind} | {len(ms)} | {np.percentile(ms, 50):.0f} | {np.percentile(ms, 99):.0f} |")
    if stats["errors"]:
        lines.append(f"\nerrors: {stats['errors'][:10]}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=1, help="server processes")
    ap.add_argument("--job-workers", type=int, default=None, help="job processes per server (default: 2 / workers)")
    ap.add_argument("--postgres", action="store_true", help="on a PostgreSQL server of its own")
    args = ap.parse_args()
    job_workers = args.job_workers or max(1, 2 // args.workers)
    with contextlib.ExitStack() as stack:
        db = stack.enter_context(postgres()) if args.postgres else None
        url = stack.enter_context(studio(args.workers, job_workers, db))
        stats = asyncio.run(run(url, args.clients, args.seconds))
    label = (f"{args.clients} clients, {args.seconds:.0f} s, {args.workers} server process(es) x {job_workers} job "
             f"worker(s), {'PostgreSQL' if args.postgres else 'SQLite'}")
    print(report(stats, label))
    print(f"\n{datetime.date.today()}, {cpu_name()}, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
