"""The studio's web app: the HTTP API (/api, documented at /docs) and the studio page (/), one FastAPI app.

`create_app(settings)` builds it around a `tunesmith.web.studio.Studio` (settings, database, runner of jobs,
recommender). Routes parse, call one library function, and respond.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from tunesmith.web.config import Settings, from_env

STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None):
    """The FastAPI app; its lifespan starts the job workers and stops them."""
    from fastapi import Request
    from fastapi.responses import JSONResponse
    from fastapi.staticfiles import StaticFiles
    from fastapi_offline import FastAPIOffline

    from tunesmith.errors import ConfigError, ScoreError, TunesmithError
    from tunesmith.web import auth, guards
    from tunesmith.web.routes import listening, pieces, recommend, runs
    from tunesmith.web.routes import settings as saved
    from tunesmith.web.studio import Studio

    settings = settings or from_env()
    studio = Studio(settings)

    @asynccontextmanager
    async def lifespan(app):
        studio.start()
        try:
            yield
        finally:
            studio.stop()

    # FastAPIOffline: /docs with Swagger UI shipped in the package, not fetched from a CDN
    app = FastAPIOffline(title="tunesmith studio", version="0.1.0", lifespan=lifespan,
                  description="Compose, continue, evaluate and keep symbolic music; every job of the tunesmith "
                              "library as an endpoint. Sign in (POST /api/users, /api/login) and send the token "
                              "as `Authorization: Bearer <token>`.")
    app.state.studio = studio

    @app.exception_handler(TunesmithError)
    async def tunesmith_error(request: Request, e: TunesmithError):
        status = 422 if isinstance(e, ConfigError | ScoreError) else 400
        return JSONResponse({"detail": str(e)}, status_code=status)

    for module in (auth, runs, pieces, recommend, saved, listening):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index():
        from fastapi.responses import FileResponse

        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/listen", include_in_schema=False)
    def listen():
        from fastapi.responses import FileResponse

        return FileResponse(STATIC / "listen.html", headers={"Cache-Control": "no-cache"})

    @app.get("/api/health", tags=["studio"])
    def health() -> dict:
        return {"ok": True, "queued": studio.runner.waiting() if studio.runner else 0,
                "catalog": len(studio.catalog) if studio.catalog_ready() else None}

    if settings.cors_origins:  # closed unless asked for: browsers refuse other sites' calls
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=True,
                           allow_methods=["*"], allow_headers=["*"])
    app.add_middleware(guards.TimeLimit, seconds=settings.request_seconds, exempt=_long)
    app.add_middleware(guards.BodyLimit, limit=settings.upload_bytes + (64 << 10))  # + multipart framing
    app.add_middleware(guards.SecurityHeaders)
    return app


def _long(scope) -> bool:
    """Requests that may rightly take longer than a request's limit: event streams and waits for a run."""
    path = scope.get("path", "")
    return path.endswith("/events") or (path.startswith("/api/jobs/") and b"wait=true" in scope.get("query_string",
                                                                                                    b""))


def app_from_env():
    """The app of a uvicorn worker process started by `tunesmith serve --workers N` (settings from TUNESMITH_*)."""
    return create_app(from_env())
