"""The one tokenizer protocol, the vocabulary, and the conditioning tokens every representation shares.

A sequence is `[BOS, <conditioning tokens>, <body>, EOS]`. Conditioning tokens (style, key, meter,
tempo) come first so that every autoregressive model is conditioned the same way: by its prefix.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import ClassVar

from tunesmith.errors import ConfigError
from tunesmith.score.model import KeySignature, Metadata, Score, Tempo, TimeSignature
from tunesmith.theory.pitch import PITCH_CLASS_NAMES

SPECIALS = ("PAD", "BOS", "EOS")
STYLES = ("none", "bach", "folk", "chinese", "irish", "scottish", "european", "american", "palestrina", "user")
METERS = ("2/2", "3/2", "2/4", "3/4", "4/4", "5/4", "6/4", "3/8", "6/8", "9/8", "12/8", "other")
TEMPO_BINS = (40, 60, 72, 84, 96, 108, 120, 132, 144, 160, 180, 208)  # qpm bin centres
MODES = ("major", "minor")
KEYS = tuple(f"{n}_{m}" for m in MODES for n in PITCH_CLASS_NAMES)
CONDITIONING_FAMILIES = ("Style", "Key", "Meter", "Tempo")  # body tokens must not use these families


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
                more = "" if i - 1 == start else f" .. {last}"
                rows.append(f"{span:>11}  {fam(first):<10} {first}{more}")
                start = i
        return "\n".join(rows) + f"\n{len(self.names)} tokens"


def conditioning_tokens() -> list[str]:
    return (
        [f"Style_{s}" for s in STYLES]
        + [f"Key_{k}" for k in KEYS]
        + [f"Meter_{m}" for m in METERS]
        + [f"Tempo_{t}" for t in TEMPO_BINS]
    )


def tempo_bin(qpm: float) -> int:
    """The nearest TEMPO_BINS value (the lower one on a tie)."""
    return min(TEMPO_BINS, key=lambda b: abs(b - qpm))


@dataclass(frozen=True)
class Conditioning:
    """What a piece is conditioned on. None means "not given" (no token is written)."""

    style: str | None = None
    key: str | None = None  # e.g. "G_major", "Eb_minor"
    meter: str | None = None  # e.g. "3/4"
    tempo: int | None = None  # a TEMPO_BINS value

    @classmethod
    def of(cls, score: Score) -> Conditioning:
        """Read conditioning off a score: style from metadata, first key signature, meter and tempo.
        A style outside STYLES becomes "user", no style "none"; a key in a mode other than major or minor
        is not given (there is no token for it)."""
        style = score.metadata.style
        style = style if style in STYLES else "user" if style else "none"
        key = None
        if score.key_signatures and score.key_signatures[0].mode in MODES:
            k = score.key_signatures[0]
            key = f"{PITCH_CLASS_NAMES[k.tonic % 12]}_{k.mode}"
        ts = score.time_signatures[0]
        meter = f"{ts.numerator}/{ts.denominator}"
        return cls(style=style, key=key, meter=meter if meter in METERS else "other",
                   tempo=tempo_bin(score.tempos[0].qpm))

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
        """Write the conditioning back into a decoded score (meter, tempo, key, style). Style "none" is
        written as no style, so that a score without a style keeps none through a round trip."""
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
            style = "" if self.style == "none" else self.style
            changes["metadata"] = dataclasses.replace(score.metadata, style=style)
        return score.replace(**changes)

    def to_dict(self) -> dict:
        return asdict(self)


def header(score: Score) -> Score:
    """The score without notes that survives the conditioning prefix: the first tempo (binned to TEMPO_BINS),
    the first time signature if it is one of METERS (else 4/4), the first key if major or minor, all at
    tick 0, and only the style of the metadata (a style outside STYLES becomes "user"). Title, composer,
    source and license are not tokens: they do not survive. This is what every `normalize` starts from;
    it restates `Conditioning.of` + `apply` independently, so that the round-trip tests check both."""
    ts = score.time_signatures[0]
    meter = ts if f"{ts.numerator}/{ts.denominator}" in METERS else TimeSignature(0, 4, 4)
    keys = tuple(KeySignature(0, k.tonic % 12, k.mode) for k in score.key_signatures[:1] if k.mode in MODES)
    style = score.metadata.style
    style = "" if style in ("", "none") else style if style in STYLES else "user"
    return Score(
        tempos=(Tempo(0, float(tempo_bin(score.tempos[0].qpm))),),
        time_signatures=(TimeSignature(0, meter.numerator, meter.denominator),),
        key_signatures=keys,
        metadata=Metadata(style=style),
    )


class Tokenizer:
    """Protocol shared by every representation.

    Subclasses set `name`, build `self.vocab` in `__init__` from their keyword config (kept in
    `self.config`), and implement `encode`, `decode` and `normalize`:
    - `encode(score, conditioning=None) -> list[int]`: `[BOS, cond..., body..., EOS]`. With
      `conditioning=None` it is read off the score (`Conditioning.of`); pass `Conditioning()` for none.
    - `decode(ids) -> Score`: never raises on any sequence of valid ids; ignores what cannot be placed.
      Reading stops at the first EOS; PAD is skipped; conditioning tokens may stand anywhere.
    - `normalize(score) -> Score`: the documented quantization, so that
      `decode(encode(x)) == normalize(x)` for every score `x` (with the conditioning read off `x`).
    `pitch_range` is the (low, high) MIDI pitches the body can hold.
    """

    name: ClassVar[str] = ""
    pitch_range: tuple[int, int] = (0, 127)

    def __init__(self, **config):
        self.config = config
        self.vocab = Vocab([])

    def encode(self, score: Score, conditioning: Conditioning | None = None) -> list[int]:
        raise NotImplementedError

    def decode(self, ids) -> Score:
        raise NotImplementedError

    def normalize(self, score: Score) -> Score:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.config.items())})"

    # --- shared helpers -------------------------------------------------------------------------
    @staticmethod
    def build_vocab(body: list[str]) -> Vocab:
        """Specials, then the shared conditioning tokens, then the representation's own body tokens."""
        bad = [n for n in body if n.split("_")[0] in CONDITIONING_FAMILIES]
        if bad:
            raise ValueError(f"body tokens may not use a conditioning family: {bad[:3]}")
        return Vocab([*SPECIALS, *conditioning_tokens(), *body])

    def prefix(self, score: Score, conditioning: Conditioning | None) -> list[int]:
        cond = Conditioning.of(score) if conditioning is None else conditioning
        return [self.vocab["BOS"]] + [self.vocab[t] for t in cond.tokens() if t in self.vocab]

    def split_prefix(self, ids) -> tuple[Conditioning, list[int]]:
        """Separate the conditioning tokens (wherever they stand) from the body ids, up to the first EOS;
        specials and ids outside the vocabulary are dropped."""
        cond, body = [], []
        for i in ids:
            i = int(i)
            if not 0 <= i < len(self.vocab):
                continue
            n = self.vocab.name(i)
            if n == "EOS":
                break
            if n in SPECIALS:
                continue
            (cond if n.split("_")[0] in CONDITIONING_FAMILIES else body).append(i)
        return Conditioning.from_tokens([self.vocab.name(i) for i in cond]), body

    def describe(self) -> str:
        """What the representation is, its config and its vocabulary layout, for
        `python -m tunesmith.representation.<name>`."""
        what = (type(self).__doc__ or "").strip().splitlines()[0]
        return f"{self.name}: {what}\n{self!r}\n{self.vocab.layout()}"

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


def require(ok: bool, message: str) -> None:
    """Raise ConfigError(message) unless `ok`: tokenizers check their config with it."""
    if not ok:
        raise ConfigError(message)


def default_metadata(cond: Conditioning) -> Metadata:
    return Metadata(style="" if cond.style in (None, "none") else cond.style)
