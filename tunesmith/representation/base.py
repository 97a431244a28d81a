"""The one tokenizer protocol, the vocabulary, and the conditioning tokens every representation shares.

A sequence is `[BOS, <conditioning tokens>, <body>, EOS]`. Conditioning tokens (style, key, meter,
tempo) come first so that every autoregressive model is conditioned the same way: by its prefix.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import ClassVar

from tunesmith.score.model import KeySignature, Metadata, Score, Tempo, TimeSignature
from tunesmith.theory.pitch import PITCH_CLASS_NAMES

SPECIALS = ("PAD", "BOS", "EOS")
STYLES = ("none", "bach", "folk", "chinese", "irish", "scottish", "european", "palestrina", "user")
METERS = ("2/2", "3/2", "2/4", "3/4", "4/4", "5/4", "6/4", "3/8", "6/8", "9/8", "12/8", "other")
TEMPO_BINS = (40, 60, 72, 84, 96, 108, 120, 132, 144, 160, 180, 208)  # qpm bin centres
KEYS = tuple(f"{n}_{m}" for m in ("major", "minor") for n in PITCH_CLASS_NAMES)


class Vocab:
    """An ordered list of token names; ids are positions. Built once per tokenizer, printable."""

    def __init__(self, names):
        self.names = list(names)
        self.index = {n: i for i, n in enumerate(self.names)}
        if len(self.index) != len(self.names):
            raise ValueError("duplicate token names in vocabulary")

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, name: str) -> int:
        return self.index[name]

    def __contains__(self, name: str) -> bool:
        return name in self.index

    def name(self, i: int) -> str:
        return self.names[i]

    def ids(self, prefix: str) -> list[int]:
        """Ids of every token whose name starts with `prefix` (e.g. "Pitch_")."""
        return [i for i, n in enumerate(self.names) if n.startswith(prefix)]

    def layout(self) -> str:
        """The vocabulary as id ranges per token family, for printing."""
        rows, start = [], 0
        fam = lambda n: n.split("_")[0]  # noqa: E731
        for i in range(1, len(self.names) + 1):
            if i == len(self.names) or fam(self.names[i]) != fam(self.names[start]):
                first, last = self.names[start], self.names[i - 1]
                span = f"{start}" if i - 1 == start else f"{start}-{i - 1}"
                rows.append(f"{span:>11}  {fam(first):<10} {first}" + ("" if i - 1 == start else f" .. {last}"))
                start = i
        return "\n".join(rows) + f"\n{len(self.names)} tokens"


def conditioning_tokens() -> list[str]:
    return (
        [f"Style_{s}" for s in STYLES]
        + [f"Key_{k}" for k in KEYS]
        + [f"Meter_{m}" for m in METERS]
        + [f"Tempo_{t}" for t in TEMPO_BINS]
    )


@dataclass(frozen=True)
class Conditioning:
    """What a piece is conditioned on. None means "not given" (no token is written)."""

    style: str | None = None
    key: str | None = None  # e.g. "G_major", "Eb_minor"
    meter: str | None = None  # e.g. "3/4"
    tempo: int | None = None  # a TEMPO_BINS value

    @classmethod
    def of(cls, score: Score) -> Conditioning:
        """Read conditioning off a score: style from metadata, first key signature, meter and tempo."""
        style = score.metadata.style if score.metadata.style in STYLES else ("none" if not score.metadata.style else "user")
        key = None
        if score.key_signatures:
            k = score.key_signatures[0]
            key = f"{PITCH_CLASS_NAMES[k.tonic]}_{k.mode}"
        ts = score.time_signatures[0]
        meter = f"{ts.numerator}/{ts.denominator}"
        qpm = score.tempos[0].qpm
        tempo = min(TEMPO_BINS, key=lambda b: abs(b - qpm))
        return cls(style=style, key=key, meter=meter if meter in METERS else "other", tempo=tempo)

    def tokens(self) -> list[str]:
        out = []
        if self.style is not None:
            out.append(f"Style_{self.style}")
        if self.key is not None:
            out.append(f"Key_{self.key}")
        if self.meter is not None:
            out.append(f"Meter_{self.meter}")
        if self.tempo is not None:
            out.append(f"Tempo_{self.tempo}")
        return out

    @classmethod
    def from_tokens(cls, names: list[str]) -> Conditioning:
        fields = {}
        for n in names:
            fam, _, val = n.partition("_")
            if fam == "Style":
                fields["style"] = val
            elif fam == "Key":
                fields["key"] = val
            elif fam == "Meter":
                fields["meter"] = val
            elif fam == "Tempo":
                fields["tempo"] = int(val)
        return cls(**fields)

    def apply(self, score: Score) -> Score:
        """Write the conditioning back into a decoded score (meter, tempo, key, style)."""
        changes = {}
        if self.meter and self.meter != "other":
            n, d = map(int, self.meter.split("/"))
            changes["time_signatures"] = (TimeSignature(0, n, d),)
        if self.tempo:
            changes["tempos"] = (Tempo(0, float(self.tempo)),)
        if self.key:
            tonic, mode = self.key.split("_")
            changes["key_signatures"] = (KeySignature(0, PITCH_CLASS_NAMES.index(tonic), mode),)
        if self.style:
            import dataclasses

            changes["metadata"] = dataclasses.replace(score.metadata, style=self.style)
        return score.replace(**changes)

    def to_dict(self) -> dict:
        return asdict(self)


class Tokenizer:
    """Protocol shared by every representation.

    Subclasses set `name`, build `self.vocab` in `__init__` from their keyword config (kept in
    `self.config`), and implement `encode`, `decode` and `normalize`:
    - `encode(score, conditioning=None) -> list[int]`: `[BOS, cond..., body..., EOS]`. With
      `conditioning=None` it is read off the score (`Conditioning.of`); pass `Conditioning()` for none.
    - `decode(ids) -> Score`: never raises on any sequence of valid ids; ignores what cannot be placed.
    - `normalize(score) -> Score`: the documented quantization, so that
      `decode(encode(x)) == normalize(x)` for every score `x`.
    """

    name: ClassVar[str] = ""

    def __init__(self, **config):
        self.config = config
        self.vocab = Vocab([])

    def encode(self, score: Score, conditioning: Conditioning | None = None) -> list[int]:
        raise NotImplementedError

    def decode(self, ids) -> Score:
        raise NotImplementedError

    def normalize(self, score: Score) -> Score:
        raise NotImplementedError

    # --- shared helpers -------------------------------------------------------------------------
    def prefix(self, score: Score, conditioning: Conditioning | None) -> list[int]:
        cond = Conditioning.of(score) if conditioning is None else conditioning
        return [self.vocab["BOS"]] + [self.vocab[t] for t in cond.tokens() if t in self.vocab]

    def split_prefix(self, ids) -> tuple[Conditioning, list[int]]:
        """Separate the conditioning tokens (anywhere before the body) from the body; drop specials."""
        names = [self.vocab.name(int(i)) for i in ids if 0 <= int(i) < len(self.vocab)]
        cond = [n for n in names if n.split("_")[0] in ("Style", "Key", "Meter", "Tempo")]
        body = [self.vocab[n] for n in names if n not in SPECIALS and n not in cond]
        return Conditioning.from_tokens(cond), body

    def to_dict(self) -> dict:
        return {"name": self.name, "config": self.config}

    def save(self, path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2))

    @staticmethod
    def from_dict(d: dict) -> Tokenizer:
        from tunesmith.representation import get_tokenizer

        return get_tokenizer(d["name"], **d.get("config", {}))

    @staticmethod
    def load(path) -> Tokenizer:
        return Tokenizer.from_dict(json.loads(Path(path).read_text()))


def default_metadata(cond: Conditioning) -> Metadata:
    return Metadata(style=cond.style or "")
