"""Transfer learning: fine-tune a trained model on a small collection (a folder of MIDI files or a prepared
corpus), in the model's own representation, starting from its weights; or train the same model from scratch
on the same data, for comparison.

    result = finetune("chorales", midi_dir="~/my-midi", minutes=5, out="runs/mine")
    tunesmith compose --model runs/mine/best

The collection is prepared and tokenized with the base model's tokenizer and transpositions, and checked
(usable pieces, some held out for validation) before any training starts; a folder without one usable MIDI file
is one error and leaves no corpus behind (tunesmith.data.prepare). The run config is the base's own, with a
fine-tuning schedule (a third of its learning rate, a short warm-up, a time budget, early stopping on the held-out
pieces: a small collection is soon learned by heart)."""

from __future__ import annotations

import logging
import math
from pathlib import Path

from tunesmith.errors import ConfigError, TunesmithError

log = logging.getLogger(__name__)


def collection(midi_dir=None, corpus: str | None = None, name: str | None = None, limit: int | None = None,
               progress: bool = False):
    """The prepared corpus of a user's MIDI folder or of a built-in corpus (first `limit` pieces if given)."""
    from tunesmith.data.prepare import prepare, prepare_midi_dir

    if (midi_dir is None) == (corpus is None):
        raise ConfigError("give a folder of MIDI files (--midi-dir) or a corpus (--corpus), one of them")
    if midi_dir is not None:
        return prepare_midi_dir(Path(midi_dir).expanduser(), name, progress=progress)
    corpora = prepare(corpus, limit=limit, progress=progress)
    if len(corpora) != 1:
        raise ConfigError(f"--corpus {corpus}: give one corpus, not a group of {len(corpora)}")
    return corpora[0]


def tokens_for(base_config: dict, corpus, progress: bool = False) -> Path:
    """Token arrays of `corpus` in the base model's representation and transpositions (cached by name)."""
    from tunesmith.data.arrays import TokenArrays
    from tunesmith.data.cache import cache_root
    from tunesmith.data.tokenize import tokenize
    from tunesmith.representation.base import Tokenizer

    tokenizer = Tokenizer.from_dict(base_config["tokenizer"])
    shifts = (base_config.get("data", {}).get("augmentation", {}) or {}).get("transpose") or [0, 0]
    tag = "-".join(f"{k}{v}" for k, v in sorted(tokenizer.config.items()))
    out = cache_root() / "tokens" / f"{corpus.name}-{tokenizer.name}-{tag}"
    arrays = tokenize([corpus], tokenizer, out, tuple(shifts), progress=progress)
    splits = {s: len(arrays.meta["splits"][s]["pieces"]) for s in arrays.splits}
    if not splits.get("train") or not splits.get("valid"):
        raise TunesmithError(f"{corpus.name}: {sum(splits.values())} usable pieces ({splits}); fine-tuning needs some "
                             "to learn from and some held out (a tenth, by a hash of each piece): add pieces")
    return TokenArrays.load(out).folder


def run_for(base_config: dict, data: Path, minutes: float, scratch: bool = False, overrides=()):
    """The base's run config on `data` for `minutes`: fine-tuning's schedule, or the base's own from scratch."""
    from tunesmith.training.config import RunConfig

    if not (isinstance(minutes, int | float) and math.isfinite(minutes) and 0 < minutes <= 24 * 60):
        raise ConfigError(f"minutes must be in (0, 1440], got {minutes}")
    train = base_config["run"]["train"]
    schedule = [] if scratch else [f"train.lr={train['lr'] / 3}", "train.warmup_steps=20"]
    fixed = [f'data="{data}"', "train.max_steps=100000", f"train.max_minutes={minutes}", "train.eval_every=50",
             "train.checkpoint_every=50", "train.eval_tokens=0", "train.patience=5", *schedule]
    return RunConfig.from_dict(base_config["run"], [*fixed, *overrides])


def finetune(base: str = "chorales", midi_dir=None, corpus: str | None = None, out=None, minutes: float = 5.0,
             name: str | None = None, limit: int | None = None, scratch: bool = False, overrides=(),
             progress: bool = False):
    """Fine-tune `base` (a shipped name or a checkpoint folder) on a collection for `minutes` (or train the same
    model from scratch with `scratch`); returns the trainer's Result (best model in `out/best`)."""
    from tunesmith.models.checkpoint import find, read_config
    from tunesmith.training.trainer import train

    path = find(base)
    base_config = read_config(path)
    run_for(base_config, Path("."), minutes, scratch, overrides)  # settings checked before any data is prepared
    corpus = collection(midi_dir, corpus, name, limit, progress)
    data = tokens_for(base_config, corpus, progress)
    run = run_for(base_config, data, minutes, scratch, overrides)
    out = Path(out or f"runs/{corpus.name}-from-{path.name}")
    log.info("%s %s on %s (%d pieces) for %g minutes", "training from scratch" if scratch else "fine-tuning",
             path.name, corpus.name, len(corpus), minutes)
    return train(run, out, progress=progress, init=None if scratch else path)
