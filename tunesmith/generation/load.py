"""Find and load a model for generation: a shipped model by name, or any checkpoint folder."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from tunesmith.errors import TunesmithError

SHIPPED = Path(__file__).resolve().parent.parent / "shipped"
DEFAULT = "chorales"  # what `tunesmith compose` uses with no --model
# instruments when neither the request nor the checkpoint names any: voices of a chorale sing (Choir Aahs),
# a folk melody is played on a fiddle (Violin)
FALLBACK_PROGRAMS = {"voicegrid-4": (52, 52, 52, 52), "voicegrid-1": (40,)}


@dataclass
class Loaded:
    name: str
    path: Path
    model: object
    tokenizer: object
    config: dict
    default_programs: tuple[int, ...] | None
    load_seconds: float

    def request(self, request):
        """`request` (a compose.Request) with the settings it leaves open filled in with those this model was
        tuned for (its config.json's "compose"), else the defaults."""
        return request.resolved(self.config.get("compose"))


def shipped_models() -> list[Path]:
    return sorted(p for p in SHIPPED.glob("*") if (p / "config.json").is_file())


def resolve(ref: str) -> Path:
    """'default', a shipped model's name, or a checkpoint folder (a run folder: its newest checkpoint)."""
    name = DEFAULT if ref == "default" else ref
    if (SHIPPED / name / "config.json").is_file():
        return SHIPPED / name
    path = Path(ref).expanduser()
    if path.is_dir():
        from tunesmith.models.checkpoint import latest  # imports torch: not for a shipped name

        return latest(path)
    names = ", ".join(p.name for p in shipped_models()) or "none shipped"
    raise TunesmithError(f"no model {ref!r}: give a shipped model ({names}) or a checkpoint folder")


def load(ref: str = "default") -> Loaded:
    """Load a model and its tokenizer; safetensors and JSON only."""
    from tunesmith.models.checkpoint import CONFIG, load_model
    from tunesmith.representation.base import Tokenizer

    t0 = time.perf_counter()
    path = resolve(ref)
    model, tok_dict, config = load_model(path)
    try:
        tok = Tokenizer.from_dict(tok_dict)
    except TunesmithError as e:
        raise TunesmithError(f"{path}: {e}") from None
    except (KeyError, TypeError, ValueError) as e:  # a config.json edited by hand
        raise TunesmithError(f"{path}: {CONFIG}'s tokenizer cannot be read ({type(e).__name__}: {e})") from None
    if tok.name != "voicegrid":
        raise TunesmithError(f"{path}: composing needs a voicegrid model, this one is {tok.name}")
    # a conditional model's vocabulary is its config's: the tokenizer's, what else its target writes (chords of a
    # lead sheet), and Mask, which its source reads (tunesmith.data.pairs)
    vocab = config.get("vocab") if getattr(model, "data_kind", "sequence") == "conditional" else None
    if vocab is not None and (vocab[:len(tok.vocab)] != tok.vocab.names or vocab[-1:] != ["Mask"]):
        raise TunesmithError(f"{path}: a conditional model's vocabulary must be its tokenizer's, then Mask last")
    if model.config.vocab_size != len(vocab or tok.vocab):
        raise TunesmithError(f"{path}: the model has {model.config.vocab_size} tokens, its vocabulary "
                             f"{len(vocab or tok.vocab)}")
    tuned = config.get("compose", {})
    if not isinstance(tuned, dict):
        raise TunesmithError(f"{path}: {CONFIG}'s \"compose\" must be an object, got {tuned!r}")
    programs = tuned.get("programs")
    if programs is not None and not (isinstance(programs, list) and programs and all(
            isinstance(p, int) and not isinstance(p, bool) and 0 <= p <= 127 for p in programs)):
        raise TunesmithError(f"{path}: {CONFIG}'s programs must be General MIDI numbers 0..127, got {programs!r}")
    if programs is None:
        programs = FALLBACK_PROGRAMS.get(f"voicegrid-{tok.config['voices']}")
    return Loaded(path.name, path, model, tok, config, tuple(programs) if programs else None,
                  time.perf_counter() - t0)
