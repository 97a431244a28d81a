import itertools

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Tests never touch the user's cache: TUNESMITH_CACHE points at a session temp folder."""
    mp = pytest.MonkeyPatch()
    mp.setenv("TUNESMITH_CACHE", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


@pytest.fixture
def fake_chorales(tmp_path, monkeypatch):
    """A private cache holding a fake prepared "chorales" corpus: three random 30-note melodies, two in train
    and one in valid, so that corpus lookups run without the real cache. Returns {piece_id: (split, Score)}."""
    import numpy as np

    from tunesmith.data.cache import corpus_dir, piece_record, save_corpus
    from tunesmith.score import Score, Track, note_array

    rng = np.random.default_rng(0)
    pieces = {}
    for i, split in enumerate(("train", "train", "valid")):
        pitches = 60 + np.cumsum(np.r_[0, rng.integers(-4, 5, size=29)])
        lengths = rng.choice([240, 480], size=30)
        starts = np.r_[0, np.cumsum(lengths)[:-1]]
        pieces[f"chorales/fake{i}"] = (split, Score(tracks=(Track(note_array(zip(pitches, starts, lengths))),)))
    root = tmp_path / "cache"
    records = [piece_record(pid, s, split, "C major", "4/4") for pid, (split, s) in pieces.items()]
    save_corpus(corpus_dir("chorales", root), records, [s for _, s in pieces.values()], [], {"name": "chorales"},
                "a fake corpus for tests")
    monkeypatch.setenv("TUNESMITH_CACHE", str(root))
    return pieces


_databases = itertools.count()


def _postgres_bin():
    """The folder of PostgreSQL's server programs (Debian's postgresql package), or None."""
    import glob
    import shutil
    from pathlib import Path

    found = shutil.which("pg_ctl")
    if found and Path(found).resolve().with_name("initdb").exists():
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server of our own for the session, in a temporary folder on a free loopback port (`initdb`,
    `pg_ctl`), stopped and removed at the end: a base URL without a database. As root the server runs as the
    `postgres` user (it refuses to run as root). Skipped, with the reason, where PostgreSQL is not installed."""
    import os
    import pwd
    import shutil
    import socket
    import subprocess
    import tempfile

    bindir = _postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (Debian: apt-get install postgresql); PostgreSQL tests skipped")
    user = {}
    folder = tempfile.mkdtemp(prefix="tunesmith-pg-")
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no `postgres` user to run the server as")
        os.chown(folder, pw.pw_uid, pw.pw_gid)
        user = {"user": pw.pw_uid, "group": pw.pw_gid}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = os.path.join(folder, "data")

    def run(*cmd):
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=folder, **user)
        assert r.returncode == 0, f"{cmd[0]} failed: {r.stdout}{r.stderr}"

    # durability off: a test server loses nothing it needs when it crashes
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off " \
              "-c full_page_writes=off -c max_connections=200"
    try:
        run(str(bindir / "initdb"), "-D", data, "-U", "tunesmith", "--auth=trust", "-E", "UTF8", "--no-locale",
            "--no-sync")
        run(str(bindir / "pg_ctl"), "-D", data, "-l", os.path.join(folder, "log"), "-o", options, "-w", "start")
        yield f"postgresql+psycopg://tunesmith@127.0.0.1:{port}"
        run(str(bindir / "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_database(postgres_server):
    """A URL of a new, empty database on the session's PostgreSQL server."""
    import psycopg

    name = f"test_{next(_databases)}"
    with psycopg.connect(f"{postgres_server.replace('+psycopg', '')}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{postgres_server}/{name}"




def _fake_tune(rng, voices: int, meter: tuple[int, int], tonic: int, minor: bool, bars: int, unit: int):
    """A random stepwise tune in a key: `voices` tracks a third to an octave apart, notes of `unit` ticks."""
    import numpy as np

    from tunesmith.score import KeySignature, Score, TimeSignature, Track, note_array

    scale = np.array([0, 2, 3, 5, 7, 8, 10] if minor else [0, 2, 4, 5, 7, 9, 11])
    bar = meter[0] * 1920 // meter[1]
    n = bars * bar // unit
    tracks = []
    for v in range(voices):
        steps = np.clip(np.cumsum(rng.integers(-2, 3, size=n)), -6, 8)
        pitches = 72 - 7 * v + tonic + scale[steps % 7] + 12 * (steps // 7)
        tracks.append(Track(note_array([(int(p), i * unit, unit) for i, p in enumerate(pitches)]), program=52))
    return Score(tracks=tuple(tracks), time_signatures=(TimeSignature(0, *meter),),
                 key_signatures=(KeySignature(0, tonic, "minor" if minor else "major"),))


@pytest.fixture(scope="session")
def debug_vae(tmp_path_factory):
    """A debug-size VAE trained 200 steps on scale walks cut into 2-bar excerpts (seconds on a CPU): (its
    checkpoint folder, the excerpts folder). Attribute vectors a test saves beside it stay for later tests."""
    from tests.training.conftest import make_excerpts
    from tunesmith.training import load_preset, train

    tmp = tmp_path_factory.mktemp("vae")
    excerpts = make_excerpts(tmp)
    train(load_preset("debug", [f'data="{excerpts}"', 'model.name="vae"', "train.max_steps=200", "train.lr=1e-2",
                                "train.batch_size=16"]), tmp / "run")
    return tmp / "run" / "best", excerpts


@pytest.fixture(scope="session")
def fake_corpora(tmp_path_factory):
    """A cache root holding two small fake prepared corpora: "chorales" (12 four-voice pieces in 4/4, style
    bach) and "oneills" (12 jigs in 6/8 in D major, 12 reels in 2/2 in G major, style irish), with train,
    valid and test splits. Point TUNESMITH_CACHE at it to use it."""
    import numpy as np

    from tunesmith.data.cache import corpus_dir, piece_record, save_corpus
    from tunesmith.score import Metadata

    root = tmp_path_factory.mktemp("fake-cache")
    rng = np.random.default_rng(7)
    kinds = {"chorales": [("bach", 4, (4, 4), 7 if i % 2 else 2, i % 3 == 0, 480, f"Chorale {i}") for i in range(12)],
             "oneills": [("irish", 1, (6, 8), 2, False, 240, f"Jig {i}") for i in range(12)]
             + [("irish", 1, (2, 2), 7, False, 240, f"Reel {i}") for i in range(12)]}
    for corpus, specs in kinds.items():
        records, scores = [], []
        for i, (style, voices, meter, tonic, minor, unit, title) in enumerate(specs):
            split = ("train", "train", "valid", "test")[i % 4]
            score = _fake_tune(rng, voices, meter, tonic, minor, 8, unit)
            score = score.replace(metadata=Metadata(title=title, collection=corpus, style=style))
            pid = f"{corpus}/{i}"
            key = score.key_signatures[0].name
            records.append(piece_record(pid, score, split, key, f"{meter[0]}/{meter[1]}"))
            scores.append(score)
        save_corpus(corpus_dir(corpus, root), records, scores, [], {"name": corpus}, "fake corpus for tests")
    return root
