"""`tunesmith serve`: the studio (web page and HTTP API) on 127.0.0.1; `tunesmith listening-report`: what the
listening test's listeners answered, per model."""

from __future__ import annotations

import argparse

EPILOG = """examples:
  tunesmith serve                                   the studio at http://127.0.0.1:8000 (API docs at /docs)
  tunesmith serve --port 9000 --data ~/studio       another port, another data folder
  tunesmith serve --db postgresql://me@localhost/tunesmith --workers 4
                                                    PostgreSQL, four server processes
"""


def register(sub) -> None:
    p = sub.add_parser("serve", help="run the studio: a web page to compose in, and the HTTP API",
                       description="Serve the studio and its HTTP API. It listens on 127.0.0.1 only unless "
                                   "--host says otherwise; accounts keep each user's library apart.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine "
                                                       "only; 0.0.0.0 opens it to the network)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--data", help="data folder: library.db and files/ (default $TUNESMITH_DATA, else "
                                  "~/.local/share/tunesmith)")
    p.add_argument("--db", help="database URL (default: SQLite in the data folder), e.g. "
                                "postgresql://user@host/dbname")
    p.add_argument("--workers", type=int, default=1, help="server processes (more than one needs PostgreSQL)")
    p.add_argument("--job-workers", type=int, help="processes composing per server process (default 2)")
    p.add_argument("--queue", type=int, help="runs that may wait; past it a new run gets 429 (default 64)")
    p.add_argument("--cors-origin", action="append", default=[], metavar="URL",
                   help="allow a web page of this origin to call the API (default: none)")
    p.add_argument("--no-embed", action="store_true", help="no model embeddings in the catalog of built-in "
                                                           "pieces (builds in seconds instead of minutes)")
    p.set_defaults(func=run)

    r = sub.add_parser("listening-report", help="the listening test's results: how often listeners told the "
                                                "machine's excerpt from the real one, per model")
    r.add_argument("--data", help="data folder (as for serve)")
    r.add_argument("--db", help="database URL (as for serve)")
    r.add_argument("--json", action="store_true", help="one JSON list")
    r.set_defaults(func=run_report)


def run(args) -> int:
    import os

    import uvicorn

    from tunesmith.errors import ConfigError
    from tunesmith.library import Database
    from tunesmith.web.config import from_env

    settings = from_env(data=args.data, db_url=args.db, job_workers=args.job_workers, queue_size=args.queue,
                        cors_origins=tuple(args.cors_origin) or None, embed=False if args.no_embed else None)
    if args.workers < 1:
        raise ConfigError("--workers must be at least 1")
    if args.workers > 1 and settings.db_url.startswith("sqlite"):
        raise ConfigError("several server processes need a database server: give --db postgresql://...")
    Database(settings.db_url).close()  # migrate once, here, not in each worker process at the same time
    print(f"tunesmith studio on http://{args.host}:{args.port}/  (API docs: /docs; database: "
          f"{settings.db_url.split('@')[-1]})", flush=True)
    if args.workers == 1:
        from tunesmith.web.app import create_app

        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")
        return 0
    from dataclasses import replace

    os.environ.update(replace(settings, upgrade=False, single_process=False).env())
    uvicorn.run("tunesmith.web.app:app_from_env", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level="warning")
    return 0


def run_report(args) -> int:
    import json

    from tunesmith.library import Database
    from tunesmith.library.trials import report
    from tunesmith.web.config import from_env

    settings = from_env(data=args.data, db_url=args.db)
    db = Database(settings.db_url)
    with db.session() as s:
        rows = report(s)
    db.close()
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    if not rows:
        print("no answered trials yet (the listening test is at /listen in the studio)")
        return 0
    print(f"{'model':<12} {'style':<10} {'trials':>6} {'told apart':>10} {'95% interval':>16}  liked real / machine")
    for r in rows:
        low, high = r["ci95"]
        print(f"{r['model']:<12} {r['style']:<10} {r['trials']:>6} {r['rate']:>10.0%} "
              f"{f'{low:.0%}..{high:.0%}':>16}  {r['like_real']:.1f} / {r['like_machine']:.1f}")
    print("50% means listeners could not tell the machine's excerpt from the real one.")
    return 0
