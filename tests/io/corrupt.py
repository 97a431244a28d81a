"""Corrupt and hostile score files, made from small valid ones with a fixed seed: what tests/io/test_fuzz.py and
bench/fuzz.py feed to `tunesmith.read`. Input i of a seed is the same whatever the count asked for."""

from __future__ import annotations

import functools
import io
import json
import random
import re
import tempfile
import zipfile
from pathlib import Path
from typing import NamedTuple

FORMATS = (".mid", ".musicxml", ".mxl", ".abc", ".json")
HUGE = ("0", "-1", "-99999", "99999999", "2147483648", "4294967296", "18446744073709551616", "9" * 400,
        "1e309", "-1e309", "nan", "0.0001", "1.5", "")  # what a field's number becomes
TUNES = (
    "X:1\nT:Seed\nC:Trad.\nM:6/8\nL:1/8\nQ:3/8=100\nK:D\n|:DFA dAF|G2B d2B|[DFA]3 A2G|1FED E3:|2FED D3|]\n",
    "T:No number, so abc2midi fails and music21 reads it\nM:3/4\nL:1/4\nK:Gm\n|:G A B|c2 d|(3BAG A>F|G3:|\n",
    "X:2\nT:Two voices\nM:4/4\nL:1/8\nK:C\nV:1\nc2 e2 g2 e2|f4 e4|]\nV:2\nC4 G,4|F,4 C4|]\n",
)


class Case(NamedTuple):
    index: int
    suffix: str
    data: bytes
    how: str  # the mutations applied, to reproduce a failure by hand


@functools.lru_cache(maxsize=1)
def seeds() -> dict[str, tuple[bytes, ...]]:
    """Small valid files of each format, built in code (MusicXML by music21's writer, once per process)."""
    from tunesmith.io.json import to_dict
    from tunesmith.io.midi import to_symusic
    from tunesmith.io.music21 import write_musicxml
    from tunesmith.score import KeySignature, Score, Tempo, TimeSignature, Track, note_array

    score = Score(
        tracks=(Track(note_array([(74, 0, 480), (76, 480, 240), (78, 720, 240), (79, 960, 480), (81, 1440, 960),
                                  (78, 1440, 960), (74, 2400, 480)]), program=40, name="Violin"),
                Track(note_array([(50, 0, 1440), (45, 1440, 1440)]), program=32, name="Bass")),
        tempos=(Tempo(0, 100.0),), time_signatures=(TimeSignature(0, 3, 4),),
        key_signatures=(KeySignature(0, 2, "major"),),
    )
    with tempfile.TemporaryDirectory() as d:
        write_musicxml(score, Path(d, "seed.musicxml"))
        xml = _stable(Path(d, "seed.musicxml").read_bytes())
    return {
        ".mid": (bytes(to_symusic(score).dumps_midi()),),
        ".musicxml": (xml,),
        ".mxl": (mxl(xml),),
        ".abc": tuple(t.encode() for t in TUNES),
        ".json": (json.dumps(to_dict(score)).encode(),),
    }


def _stable(xml: bytes) -> bytes:
    """music21's MusicXML with the same bytes on every run: its random part and instrument ids numbered in order
    of appearance, today's encoding date fixed."""
    ids: dict[bytes, bytes] = {}
    xml = re.sub(rb'"([PI])[0-9a-f]{32}"', lambda m: b'"%s%d"' % (m[1], ids.setdefault(m[0], len(ids) + 1)), xml)
    return re.sub(rb"<encoding-date>[^<]*</encoding-date>", b"<encoding-date>2026-01-01</encoding-date>", xml)


def mxl(xml: bytes, name: str = "score.xml") -> bytes:
    """A compressed MusicXML archive holding `xml`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for inner, data in (("META-INF/container.xml", f'<container><rootfiles><rootfile full-path="{name}"/>'
                                                       "</rootfiles></container>".encode()), (name, xml)):
            z.writestr(zipfile.ZipInfo(inner, date_time=(2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def corrupt_inputs(count: int, seed: int = 0):
    """`count` Cases, the formats in turn, each a seed file with one to three random mutations."""
    return (corrupt_input(i, seed) for i in range(count))


def corrupt_input(index: int, seed: int = 0) -> Case:
    rng = random.Random(f"{seed}:{index}")  # a string seed is hashed the same way on every run
    suffix = FORMATS[index % len(FORMATS)]
    data = rng.choice(seeds()[suffix])
    if suffix == ".mxl" and rng.random() < 0.6:  # a sound archive around a corrupt score, most of the time
        inner, how = mutated(rng, zipfile.ZipFile(io.BytesIO(data)).read("score.xml"), ".musicxml")
        return Case(index, suffix, mxl(inner), "inside: " + how)
    return Case(index, suffix, *mutated(rng, data, suffix))


def mutated(rng: random.Random, data: bytes, suffix: str) -> tuple[bytes, str]:
    names = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        mutation = rng.choice(MUTATIONS)
        data = mutation(rng, data, suffix)
        names.append(mutation.__name__)
    return data, " + ".join(names)


def _span(rng: random.Random, data: bytes, longest: int = 64) -> tuple[int, int]:
    start = rng.randrange(len(data) + 1)
    return start, min(len(data), start + rng.randint(1, longest))


def bit_flips(rng, data, suffix):
    out = bytearray(data)
    for _ in range(rng.randint(1, 8) if out else 0):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(rng, data, suffix):
    return data[:rng.randrange(len(data) + 1)]


def splice(rng, data, suffix):
    """This file's start on another file's end (of any format)."""
    other = rng.choice([s for group in seeds().values() for s in group])
    return data[:rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1):]


def repeat_chunk(rng, data, suffix):
    a, b = _span(rng, data)
    return data[:b] + data[a:b] * rng.choice((2, 10, 1000)) + data[b:]


def delete_chunk(rng, data, suffix):
    a, b = _span(rng, data)
    return data[:a] + data[b:]


def insert_random(rng, data, suffix):
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.randbytes(rng.randint(1, 32)) + data[at:]


def huge_number(rng, data, suffix):
    """A number of the file becomes an absurd one: a text field's digits, or a few bytes of a binary file."""
    if suffix == ".mid":
        at = rng.randrange(max(len(data) - 4, 1))
        return data[:at] + rng.choice((b"\xff\xff\xff\x7f", b"\x7f", b"\x00\x00", b"\xff\xff")) + data[at + 4:]
    numbers = list(re.finditer(rb"-?\d+(\.\d+)?", data))
    if not numbers:
        return data
    m = rng.choice(numbers)
    return data[:m.start()] + rng.choice(HUGE).encode() + data[m.end():]


def field_value(rng, data, suffix):
    """One field of a well-formed file gets an absurd value or the wrong type: a JSON value, an XML element's text
    or attribute, an ABC header field, a MIDI header or event."""
    if suffix == ".json":
        try:
            tree = json.loads(data)
            places = list(_places(tree))
            if places:
                container, key = rng.choice(places)
                container[key] = rng.choice((*(json.loads(v) for v in HUGE if _is_json(v)), None, True, "x", [],
                                             {}, [[60, 0, 480, 80]] * 3, 1e308))
            return json.dumps(tree).encode()
        except (ValueError, RecursionError):  # not JSON (any more), or nested too deeply to walk
            return huge_number(rng, data, suffix)
    if suffix in (".musicxml", ".mxl"):
        found = list(re.finditer(rb'>([^<>]+)<|="([^"]*)"', data))
    elif suffix == ".abc":
        found = list(re.finditer(rb"^[A-Za-z]:(.*)$", data, re.M))
    else:
        return _midi_field(rng, data)
    if not found:
        return data
    m = rng.choice(found)
    group = 1 if m.start(1) >= 0 else 2
    value = rng.choice((*HUGE, "x", "1000/4", "100000/1", "-3/4", "0/0", "1/3", "C|", "none", "-1/1"))
    return data[:m.start(group)] + value.encode() + data[m.end(group):]


def _midi_field(rng, data: bytes) -> bytes:
    """A MIDI file with an absurd resolution, tempo or meter, or events after huge delta times (a text event
    after the longest delta, 2^28 - 1 ticks, at the start of a track, its chunk's length adjusted)."""
    kind = rng.choice(("division", "tempo", "meter", "delta", "delta"))
    if kind == "division" and len(data) >= 14:
        return data[:12] + rng.choice((b"\x00\x00", b"\x00\x01", b"\x7f\xff", b"\xe7\x28", b"\xff\xff")) + data[14:]
    marker = {"tempo": b"\xff\x51\x03", "meter": b"\xff\x58\x04"}.get(kind)
    if marker and marker in data:
        at = data.index(marker) + len(marker)
        return data[:at] + rng.choice((b"\x00\x00\x00\x00", b"\xff\xff\xff\xff", b"\x04\xff\x00\x00")) + data[at + 4:]
    tracks = [m.start() for m in re.finditer(rb"MTrk", data)]
    if not tracks:
        return data
    if rng.random() < 0.5 and len(data) >= 14:  # and a coarse resolution: the ticks grow when resampled
        data = data[:12] + rng.choice((b"\x00\x01", b"\x00\x10")) + data[14:]
    at, count = rng.choice(tracks), rng.randint(1, 10)
    length = int.from_bytes(data[at + 4:at + 8], "big") + 7 * count
    return (data[:at + 4] + (length % 2**32).to_bytes(4, "big") + b"\x8f\xff\xff\x7f\xff\x01\x00" * count
            + data[at + 8:])


def _places(tree):
    """(container, key) of every value in a JSON tree."""
    items = tree.items() if isinstance(tree, dict) else enumerate(tree) if isinstance(tree, list) else ()
    for key, value in items:
        yield tree, key
        yield from _places(value)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
        return True
    except ValueError:
        return False


def deep_nesting(rng, data, suffix):
    """Thousands of nested brackets or elements, where the format nests (MIDI: a header announcing more
    tracks than the file holds)."""
    n = rng.choice((100, 10_000, 200_000))
    if suffix == ".mid":
        return data[:10] + b"\xff\xff" + data[12:]
    at = rng.randrange(len(data) + 1)
    if suffix in (".musicxml", ".mxl"):
        found = [m.end() for m in re.finditer(rb"<measure[^>]*>", data)]
        at = rng.choice(found) if found else at
        return data[:at] + b"<x>" * n + b"</x>" * n + data[at:]
    opening, closing = {".json": (b"[", b"]"), ".abc": (b"(", b")")}[suffix]
    return data[:at] + opening * n + closing * rng.choice((0, n)) + data[at:]


# absurd values in well-formed files reach deepest into the readers: twice as likely as the others
MUTATIONS = (bit_flips, truncate, splice, repeat_chunk, delete_chunk, insert_random, huge_number, huge_number,
             field_value, field_value, deep_nesting)
