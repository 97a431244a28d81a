"""What reading one file may cost: sizes checked before parsing, and a worker process with a time and a memory
limit for the slow parser (music21), so that one hostile file cannot hang or exhaust a batch or a server.

The limits are module attributes read at each call: a server may lower them (`limits.SECONDS = 10`).
"""

from __future__ import annotations

import json
import os
import select
import signal
import time
from pathlib import Path

from tunesmith.errors import ScoreError

MAX_TEXT_BYTES = 32 << 20  # an .abc, .json or .musicxml file on disk (a large orchestral MusicXML is ~15 MB)
MAX_XML_BYTES = 64 << 20  # the MusicXML inside an .mxl, after inflating (checked before inflating)
MAX_TRACKS = 1024  # tracks of a JSON score, parts of a MusicXML one
MAX_MEASURES = 20_000  # per part (long operas' acts hold a few thousand)
MAX_NOTE_QUARTERS = 256  # one note or rest (a maxima is 32 quarters)
MAX_BAR_QUARTERS = 32  # the notes of one ABC bar: music21 turns an overfull bar into a meter that large
# ABC through music21 (only for tunes abc2midi cannot read): 500 bars take it 1-2 s, its time grows as their square
MAX_ABC_BARS = 1_000  # in one voice
MAX_ABC_NOTES = 10_000
MAX_NESTING = 64  # slurs open at once
MAX_BEATS = 48  # a meter's numerator: music21's TimeSignature costs grow faster than its square (1000/4: 27 s)
# one music21 read: a chorale takes 25 ms; Beethoven's op. 132 (17,842 notes) 4.4 s, its worker peaks at 230 MB
SECONDS = 60.0  # wall time
MEMORY_BYTES = 2 << 30  # address space a worker may add to what it inherits


def read_capped(path, limit: int) -> bytes:
    """The bytes of `path`, or ScoreError if it holds more than `limit` (read no further than that)."""
    with open(path, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ScoreError(f"{path}: larger than {limit >> 20} MiB, the most this reader takes")
    return data


def check_meter(numerator: int, denominator: int) -> None:
    """ScoreError for a meter no score holds, or one music21 would take too long to build."""
    if not (1 <= numerator <= MAX_BEATS and denominator in (1, 2, 4, 8, 16, 32, 64)):
        raise ScoreError(f"meter {numerator}/{denominator} is absurd (at most {MAX_BEATS} beats, of a whole note "
                         "divided by a power of two up to 64)")


def one_line(e: BaseException, width: int = 300) -> str:
    """`Type: message` of an exception on one line, cut to `width` characters."""
    return " ".join(f"{type(e).__name__}: {e}".split())[:width]


def run_limited(fn, *args):
    """`fn(*args)` -> Score, run in a forked child under SECONDS and MEMORY_BYTES; its ScoreError, or any other
    failure of the child, comes back as a ScoreError.

    fork is cheap on Linux (the child shares the parent's imported modules) and needs no pickling of `fn`.
    The Score comes back in tunesmith's own JSON form: nothing the child sends is unpickled. fork copies only
    the calling thread: the child runs parser code that takes no lock another thread could hold, and if it
    ever hung on one, the time limit would end it. Without fork (Windows), `fn` runs here, without limits."""
    if not hasattr(os, "fork"):
        return fn(*args)
    from tunesmith.io.json import from_dict

    seconds, memory = float(SECONDS), int(MEMORY_BYTES)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        status = 1
        try:
            os.close(read_end)
            _limit_child(seconds, memory)
            _write_all(write_end, _outcome(fn, args, memory))
            status = 0
        finally:
            os._exit(status)  # no atexit handlers, no flushing of the parent's buffers
    os.close(write_end)
    data = None
    try:
        data = _read_until(read_end, time.monotonic() + seconds)
    finally:
        os.close(read_end)
        if data is None:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if data is None:
        raise ScoreError(f"reading took more than {seconds:g} s")
    if not data:  # killed (out of memory past the limit's reach, CPU limit) or crashed
        why = f"signal {signal.Signals(os.WTERMSIG(status)).name}" if os.WIFSIGNALED(status) else "no result"
        raise ScoreError(f"the reader died ({why})")
    outcome = json.loads(data)
    if "error" in outcome:
        raise ScoreError(outcome["error"])
    return from_dict(outcome["score"])


def _limit_child(seconds: float, memory: int) -> None:
    # a limit on address space makes an allocation past it a MemoryError in Python, not the OOM killer;
    # the CPU limit ends a child whose parent died before it could kill it; no core dumps of a killed child
    import resource

    def lower(kind, value: int) -> None:
        hard = resource.getrlimit(kind)[1]
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(kind, (value, value))

    base = _address_space()
    if base is not None:
        lower(resource.RLIMIT_AS, base + memory)
    lower(resource.RLIMIT_CPU, int(seconds) + 2)
    lower(resource.RLIMIT_CORE, 0)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child quietly; the parent reports it


def _address_space() -> int | None:
    """Bytes of address space this process uses now (Linux), or None where /proc does not tell."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _outcome(fn, args, memory: int) -> bytes:
    from tunesmith.io.json import to_dict

    try:
        payload = {"score": to_dict(fn(*args))}
    except ScoreError as e:
        payload = {"error": str(e)}
    except MemoryError:
        payload = {"error": f"reading needs more than {memory >> 20} MiB of memory"}
    except RecursionError:
        payload = {"error": "nested too deeply to read"}
    except Exception as e:  # the caller gets ScoreError only; the type is kept in the message for a bug report
        payload = {"error": one_line(e)}
    return json.dumps(payload).encode()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.close(fd)


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes, up to its end; None if the deadline passes first."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
