"""Melody and chords from the Nottingham piano rolls (Boulanger-Lewandowski et al. 2012): the training pairs of
the accompaniment model, derived once and kept small in the repository (tunesmith/data/nottingham/), so that
a clone reproduces the shipped model without the piano-roll file.

The rolls are a set of sounding pitches per eighth note, every tune transposed to C major or C minor, with no
onsets, meter or key. They were made from MIDI files of a melody track over a chord track played as close
block chords below it, so:

- the melody is the top note of each step, and the chord the notes under it (`separate`); a step with one note
  is the melody alone, with no chord (N.C.);
- equal top notes in a row are one held note (a roll cannot tell a repeated note from a held one);
- the chord is named by tunesmith.theory.chords (template matching) and kept in its family (leadsheet.FAMILIES);
  notes under the melody that name no chord keep the chord before them;
- a piece is in C minor when its E-flats outnumber its E-naturals, else in C major.

Where this is ambiguous, `derive` counts it (the card of the derived file states the counts): the top note
within a major third of the note under it (the melody may be resting, the top chord tone read as melody, or the
melody may double a chord tone), fewer than three notes left under the melody (a dyad, or a rest of the melody
that left the chord's top as "melody"), and notes under the melody that name no chord.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import numpy as np

from tunesmith.data.leadsheet import family
from tunesmith.theory.chords import chord_from_pitches

HERE = Path(__file__).resolve().parent / "nottingham"
COMPACT = HERE / "train.npz"
STEPS_PER_QUARTER = 2  # one roll step is an eighth note


def separate(step) -> tuple[int, list[int]]:
    """(melody pitch or -1, the chord's pitches) of one roll step: the top note and the notes under it."""
    p = sorted(int(x) for x in step)
    return (p[-1], p[:-1]) if p else (-1, [])


def derive(path, split: str = "train") -> dict:
    """Melody (one pitch per step, -1 a rest), chord root and family index per step (-1 none), piece offsets
    and modes (0 major, 1 minor) of a split of the rolls at `path`, with the counts of ambiguous steps."""
    from tunesmith.data.leadsheet import FAMILIES

    data = json.loads(gzip.open(path).read())
    melody, roots, fams, offsets, modes = [], [], [], [0], []
    counts = {"steps": 0, "empty": 0, "melody_alone": 0, "top_within_a_third": 0, "under_three": 0, "no_chord_name": 0}
    for seq in data[split]:
        e = eb = 0
        previous = (-1, -1)
        for step in seq:
            m, chord = separate(step)
            counts["steps"] += 1
            counts["empty"] += m < 0
            counts["melody_alone"] += m >= 0 and not chord
            counts["top_within_a_third"] += bool(chord) and m - chord[-1] <= 4
            counts["under_three"] += 0 < len(chord) < 3
            named = chord_from_pitches(chord) if chord else None
            if chord and named is None:
                counts["no_chord_name"] += 1
            label = (named.root, FAMILIES.index(family(named.quality))) if named else previous if chord else (-1, -1)
            previous = label
            melody.append(m)
            roots.append(label[0])
            fams.append(label[1])
            pcs = [x % 12 for x in step]
            e, eb = e + pcs.count(4), eb + pcs.count(3)
        offsets.append(len(melody))
        modes.append(int(eb > e))
    return {"melody": np.array(melody, np.int8), "root": np.array(roots, np.int8), "family": np.array(fams, np.int8),
            "offsets": np.array(offsets, np.int64), "mode": np.array(modes, np.int8), "counts": counts,
            "source_sha256": hashlib.sha256(Path(path).read_bytes()).hexdigest()}


def save_compact(derived: dict, path=COMPACT) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {k: v for k, v in derived.items() if isinstance(v, np.ndarray)}
    np.savez_compressed(path, **arrays)
    return path


def load_compact(path=COMPACT) -> dict:
    with np.load(path, allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def pieces(derived: dict):
    """Per piece: (index, melody (T,), labels [(root, family) or None] (T,), mode)."""
    from tunesmith.data.leadsheet import FAMILIES

    off = derived["offsets"]
    for i in range(len(off) - 1):
        a, b = int(off[i]), int(off[i + 1])
        labels = [None if r < 0 else (int(r), FAMILIES[int(f)])
                  for r, f in zip(derived["root"][a:b].tolist(), derived["family"][a:b].tolist())]
        yield i, derived["melody"][a:b].astype(np.int64), labels, int(derived["mode"][i])


def sequence(tokenizer, melody, labels, mode: int, shift: int = 0, style: str = "folk"):
    """(source ids, target ids, learned flags) of one lead sheet moved by `shift` semitones, in the order
    tunesmith.data.pairs.write_pairs takes them: the melody given, the chord cells masked in the source and learned."""
    from tunesmith.data.leadsheet import chord_cells, melody_cells, vocabulary
    from tunesmith.theory.pitch import PITCH_CLASS_NAMES

    vocab = tokenizer.vocab
    moved = np.where(melody >= 0, melody + shift, -1)
    labels = [None if c is None else ((c[0] + shift) % 12, c[1]) for c in labels]
    key = f"Key_{PITCH_CLASS_NAMES[shift % 12]}_{'minor' if mode else 'major'}"
    prefix = [vocab["BOS"], vocab[f"Style_{style}"], vocab[key], vocab["Meter_other"], vocab["Tempo_120"]]
    cells = np.stack([melody_cells(tokenizer, moved), chord_cells(tokenizer, labels)], axis=1)  # (T, 2)
    mask = len(vocabulary(tokenizer)) - 1
    src = cells.copy()
    src[:, 1] = mask
    learn = np.zeros_like(cells)
    learn[:, 1] = 1
    eos = vocab["EOS"]
    tgt = [*prefix, *cells.ravel().tolist(), eos]
    return [*prefix, *src.ravel().tolist(), eos], tgt, [0] * len(prefix) + learn.ravel().tolist() + [0]


def write_pairs(out, derived: dict | None = None, transpose=(-5, 6), held_out: float = 0.1):
    """Lead-sheet pairs for the accompaniment model from the compact train file: every piece in every
    transposition of `transpose` (inclusive) that keeps the melody in the grid's range, a `held_out` share of the
    pieces (by a hash of their index) kept apart untransposed as the trainer's validation split (Nottingham's own
    valid split stays for the final evaluation, bench/accompany.py)."""
    from tunesmith.data import pairs
    from tunesmith.data.leadsheet import vocabulary
    from tunesmith.representation import get_tokenizer

    derived = derived or load_compact()
    tok = get_tokenizer("voicegrid", voices=1, steps_per_quarter=STEPS_PER_QUARTER)

    def valid(i: int) -> bool:
        return int.from_bytes(hashlib.sha256(f"nottingham-{i}".encode()).digest()[:8], "big") / 2**64 < held_out

    def split(name):
        for i, melody, labels, mode in pieces(derived):
            if valid(i) != (name == "valid"):
                continue
            shifts = [0] if name == "valid" else range(transpose[0], transpose[1] + 1)
            for s in shifts:
                notes = melody[melody >= 0] + s
                if len(notes) and tok.pitch_range[0] <= notes.min() and notes.max() <= tok.pitch_range[1]:
                    yield (f"nottingham-train-{i}", s, *sequence(tok, melody, labels, mode, s))

    class LeadSheet:  # what write_pairs needs: the vocabulary (with the chords; Mask is added) and the tokenizer
        vocab = type("V", (), {"names": vocabulary(tok)[:-1]})()

        @staticmethod
        def to_dict():
            return tok.to_dict()

    source = {"corpus": "Nottingham piano rolls (Boulanger-Lewandowski et al. 2012), train split",
              "derived": str(COMPACT.relative_to(HERE.parent.parent.parent)), "rule": "tunesmith.data.nottingham"}
    return pairs.write_pairs(out, LeadSheet, {"train": split("train"), "valid": split("valid")},
                             {"prefix": 5, "stride": 2}, {"task": "accompany", "chords": "leadsheet.FAMILIES"},
                             {"transpose": list(transpose), "applied_to": "train"}, source)


def main(argv=None) -> int:
    """python -m tunesmith.data.nottingham derive ROLLS.json.gz   (writes tunesmith/data/nottingham/train.npz)
    python -m tunesmith.data.nottingham pairs [OUT]             (writes <cache>/tokens/nottingham-leadsheet)"""
    import sys

    from tunesmith.data.cache import cache_root

    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["derive"] and len(args) == 2:
        derived = derive(args[1], "train")
        print(f"{save_compact(derived)}: {len(derived['offsets']) - 1} pieces; {json.dumps(derived['counts'])}; "
              f"source sha256 {derived['source_sha256']}")
        return 0
    if args[:1] == ["pairs"] and len(args) <= 2:
        out = Path(args[1]) if len(args) == 2 else cache_root() / "tokens" / "nottingham-leadsheet"
        write_pairs(out)
        meta = json.loads((out / "meta.json").read_text())
        for name, info in meta["splits"].items():
            print(f"{name:<6} {len(info['pieces']):>6} pairs {info['tokens']:>9} tokens")
        print(f"-> {out}")
        return 0
    print(main.__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
