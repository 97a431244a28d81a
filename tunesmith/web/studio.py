"""What the routes of one server process share: settings, the library database, the runner of jobs, the
recommender's catalog (built in the background at start: a few seconds to minutes the first time, then read
from its saved copy) and the recommender, refreshed from everyone's signals when they change here, or every
`REFRESH` seconds (other server processes change them too)."""

from __future__ import annotations

import logging
import threading
import time

from tunesmith.web.config import Settings

log = logging.getLogger(__name__)
REFRESH = 10.0  # seconds a recommender's view of other users' signals may be old


class Studio:
    def __init__(self, settings: Settings):
        from threadpoolctl import threadpool_limits

        from tunesmith.io import limits
        from tunesmith.library import Database
        from tunesmith.web.store import Store

        # one BLAS thread: a server answers many requests at once, and a recommendation's matrix-vector product
        # over 10,000 pieces takes under a millisecond on one thread but 15 ms when two threads contend for a
        # busy machine's cores (bench/recommend.py); heavy work runs in the job worker processes
        threadpool_limits(1, user_api="blas")
        self.settings = settings
        settings.files.mkdir(parents=True, exist_ok=True)
        self.db = Database(settings.db_url, upgrade=settings.upgrade)
        # uploads are read in a forked child under these limits (tunesmith.io.limits.run_limited)
        limits.SECONDS, limits.MEMORY_BYTES = settings.parse_seconds, settings.parse_memory
        self.store = Store(self)
        self.runner = None
        self._catalog = None
        self._recommender, self._fresh_at, self._lock = None, 0.0, threading.Lock()
        self._corpora = {}

    def start(self) -> None:
        from tunesmith.library.runs import interrupted
        from tunesmith.web.runner import Runner

        if self.settings.single_process:
            with self.db.session.begin() as s:
                n = interrupted(s)
            if n:
                log.warning("%d run(s) left unfinished by the last server marked failed", n)
        self.runner = Runner(self.settings, self.store.run_status, self.store.run_finished, self.store.cancels_among)
        self.runner.start()
        threading.Thread(target=self._build_catalog, name="catalog", daemon=True).start()

    def stop(self) -> None:
        if self.runner is not None:
            self.runner.stop()
        self.db.close()

    def _build_catalog(self) -> None:
        import multiprocessing

        from tunesmith.recommend.catalog import Catalog

        corpora, embed = self.settings.corpora, self.settings.embed
        try:
            catalog = Catalog.of_corpora(corpora, embed=embed, build=False)
            if catalog is None:  # built once, in a process of its own: minutes of work that would hold the GIL
                child = multiprocessing.get_context("forkserver").Process(target=_prepare, args=(corpora, embed))
                child.start()
                child.join()
                catalog = Catalog.of_corpora(corpora, embed=embed, build=False)
                if catalog is None:
                    raise RuntimeError(f"the process that builds it ended with code {child.exitcode}")
        except Exception as e:  # the studio works without it; the reason shows where it would be
            log.exception("building the catalog")
            catalog = Catalog.empty(f"the catalog of built-in pieces could not be built: {type(e).__name__}: {e}")
        self._catalog = catalog
        self.signals_changed()

    def catalog_ready(self) -> bool:
        return self._catalog is not None

    @property
    def catalog(self):
        from tunesmith.recommend.catalog import Catalog

        return self._catalog if self._catalog is not None else Catalog.empty(
            "the catalog of built-in pieces is being prepared; it takes a few minutes the first time")

    def signals_changed(self) -> None:
        self._fresh_at = 0.0

    def recommender(self):
        """The recommender over the catalog, with everyone's signals at most REFRESH seconds old."""
        from tunesmith.library.events import interactions
        from tunesmith.recommend import Recommender

        with self._lock:
            catalog = self.catalog
            if self._recommender is None or self._recommender.catalog is not catalog:
                self._recommender, self._fresh_at = Recommender(catalog), 0.0
            if time.monotonic() - self._fresh_at > REFRESH:
                with self.db.session() as s:
                    self._recommender.update(interactions(s))
                self._fresh_at = time.monotonic()
            return self._recommender

    def corpus_score(self, item: str):
        """The Score of a catalog item, or None."""
        from tunesmith.data.cache import Corpus, corpus_dir

        catalog = self.catalog
        i = catalog.index(item)
        if i is None:
            return None
        name = catalog.tags[i].get("collection")
        with self._lock:
            if name not in self._corpora:
                corpus = Corpus.load(corpus_dir(name))
                self._corpora[name] = (corpus, {r["id"]: k for k, r in enumerate(corpus.records)})
        corpus, where = self._corpora[name]
        k = where.get(item.removeprefix("corpus:"))
        return None if k is None else corpus.score(k)


def _prepare(corpora, embed: bool) -> None:
    """Build and save the catalog (in a child process)."""
    from tunesmith.recommend.catalog import Catalog

    Catalog.of_corpora(corpora, embed=embed)
