"""Checkpoints are folders that describe themselves, and loading one never unpickles anything:

    model.safetensors     the weights
    config.json           model name and config, tokenizer, vocabulary, run config, data provenance,
                          metrics, step, and the trainer's own counters
    training.safetensors  (training checkpoints only) optimizer moments, random states, data position
    MODEL_CARD.md         (shipped models only)

A folder is written under a temporary name and renamed when complete, so a killed run never leaves half
a checkpoint behind.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

from tunesmith.atomic import atomic_folder
from tunesmith.errors import ConfigError, TunesmithError

FORMAT = "tunesmith.checkpoint/1"
WEIGHTS, CONFIG, TRAINING, CARD = "model.safetensors", "config.json", "training.safetensors", "MODEL_CARD.md"
MAX_CONFIG_BYTES = 16 << 20  # a config with its vocabulary is a few kilobytes


def save(folder, model, config: dict, training: dict | None = None) -> Path:
    """Write `model`'s weights, `config` (JSON-able) and optional training tensors to `folder`, atomically."""
    from safetensors.torch import save_file, save_model

    with atomic_folder(folder) as tmp:
        save_model(model, str(tmp / WEIGHTS))  # drops the tied copy of shared weights
        (tmp / CONFIG).write_text(json.dumps(finite({"format": FORMAT, **config}), indent=1, allow_nan=False))
        if training is not None:
            save_file({k: v.detach().contiguous().cpu() for k, v in training.items()}, str(tmp / TRAINING))
    return Path(folder)


def finite(x):
    """`x` with every NaN or infinity replaced by None, so that the JSON is strict."""
    if isinstance(x, dict):
        return {k: finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [finite(v) for v in x]
    return None if isinstance(x, float) and not math.isfinite(x) else x


def read_config(folder) -> dict:
    """The config.json of a checkpoint folder as a dict; TunesmithError if it is missing, not JSON, of
    another format, or larger than any config (MAX_CONFIG_BYTES)."""
    path = Path(folder) / CONFIG
    if not path.is_file():
        raise TunesmithError(f"{folder}: not a checkpoint (no {CONFIG})")
    if path.stat().st_size > MAX_CONFIG_BYTES:
        raise TunesmithError(f"{folder}: {CONFIG} is {path.stat().st_size:,} bytes, more than a config holds")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise TunesmithError(f"{folder}: {CONFIG} is not valid JSON ({e})") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        found = config.get("format") if isinstance(config, dict) else type(config).__name__
        raise TunesmithError(f"{folder}: unknown checkpoint format {found!r}, expected {FORMAT}")
    return config


def load_model(folder, device="cpu"):
    """(model in eval mode, tokenizer dict, config dict) from a checkpoint folder: safetensors and JSON only.

    Everything is checked before it is used, and a bad folder is a TunesmithError: the model's sizes before
    it is built (tunesmith.models.base.check_config), the weights file's header and every tensor's shape
    before a weight is read, and the weights finite after."""
    from tunesmith.models import build_model

    config = read_config(folder)
    entry = config.get("model")
    if not (isinstance(entry, dict) and isinstance(entry.get("name"), str) and isinstance(entry.get("config"), dict)
            and isinstance(config.get("tokenizer"), dict)):
        raise TunesmithError(f"{folder}: {CONFIG} lacks the model's name and config, or the tokenizer")
    try:
        model = build_model(entry["name"], **entry["config"])
    except ConfigError as e:
        raise ConfigError(f"{folder}: {e}") from None
    _load_weights(Path(folder), model, device)
    return model.to(device).eval(), config["tokenizer"], config


def _load_weights(folder: Path, model, device) -> None:
    from safetensors import SafetensorError, safe_open
    from safetensors.torch import load_model as load_weights

    path = folder / WEIGHTS
    if not path.is_file():
        raise TunesmithError(f"{folder}: no {WEIGHTS}")
    try:  # the header only: names, dtypes and shapes; safetensors never runs code from a file
        with safe_open(str(path), framework="pt") as f:
            shapes = {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}
    except (SafetensorError, OSError, ValueError) as e:
        raise TunesmithError(f"{folder}: {WEIGHTS} is not a safetensors file ({e})") from None
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    for name, shape in shapes.items():
        if name in expected and shape != expected[name]:
            raise TunesmithError(f"{folder}: weights do not fit the config: {name} is {shape}, "
                                 f"the config makes it {expected[name]}")
    try:
        missing, unexpected = load_weights(model, str(path), strict=False, device=str(device))
    except (SafetensorError, OSError, RuntimeError, ValueError, TypeError) as e:
        raise TunesmithError(f"{folder}: {WEIGHTS} cannot be read ({str(e).splitlines()[0]})") from None
    if missing or unexpected:
        raise TunesmithError(f"{folder}: weights do not fit the model (missing {missing}, unexpected {unexpected})")
    if not all(bool(p.isfinite().all()) for p in model.parameters()):
        raise TunesmithError(f"{folder}: {WEIGHTS} holds NaN or infinite weights")


def load_training(folder) -> dict:
    """The training tensors of a checkpoint (optimizer moments, random states, data position)."""
    from safetensors.torch import load_file

    path = Path(folder) / TRAINING
    if not path.is_file():
        raise TunesmithError(f"{folder}: no {TRAINING}; a shipped model cannot resume training")
    return load_file(str(path))


def latest(run_dir) -> Path:
    """`run_dir` itself if it is a checkpoint, else its newest checkpoints/step-* folder."""
    run_dir = Path(run_dir)
    if (run_dir / CONFIG).is_file():
        return run_dir
    steps = sorted((run_dir / "checkpoints").glob("step-*"))
    steps = [s for s in steps if (s / CONFIG).is_file()]
    if not steps:
        raise TunesmithError(f"{run_dir}: no checkpoint found")
    return steps[-1]


def find(ref: str) -> Path:
    """A shipped model's folder by name, or a checkpoint folder (a run folder: its newest checkpoint)."""
    named = Path(__file__).resolve().parent.parent / "shipped" / ref
    if (named / CONFIG).is_file():
        return named
    path = Path(ref).expanduser()
    if path.is_dir():
        return latest(path)
    raise TunesmithError(f"no model {ref!r}: give a shipped model's name or a checkpoint folder")


def shipped(root=None) -> list[tuple[Path, dict, str]]:
    """(folder, config, card text) of every shipped model under tunesmith/shipped/ (or `root`)."""
    root = Path(root) if root else Path(__file__).resolve().parent.parent / "shipped"
    out = []
    for folder in sorted(root.glob("*/")):
        if (folder / CONFIG).is_file() and (folder / WEIGHTS).is_file():
            card = (folder / CARD).read_text() if (folder / CARD).is_file() else ""
            out.append((folder, read_config(folder), card))
    return out


def model_card(config: dict, name: str) -> str:
    """A model card written from what the checkpoint knows about itself."""
    m, run, data, metrics = config["model"], config["run"], config.get("data", {}), config.get("metrics", {})
    fields = ", ".join(f"{k}={v}" for k, v in m["config"].items())
    source = data.get("source") or {}
    return f"""# {name}

- **model**: `{m["name"]}` ({run["model"]["size"]}), {config.get("params", 0):,} parameters; {fields}
- **representation**: `{config["tokenizer"].get("name")}` ({len(config.get("vocab", []))} tokens)
- **data**: `{run["data"]}`, {data.get("tokens", {}).get("train", "?")} training tokens; source: {json.dumps(source)}
- **training**: {config["step"]} steps of {run["train"]["batch_size"]} x {run["train"]["block_size"]} tokens
- **validation NLL**: {_num(metrics.get("valid_nll")):.4f} nats/token (unigram baseline \
{_num(metrics.get("unigram_nll")):.4f})

Conditioning (style, key, meter, tempo) is given by the tokens after BOS. Load with
`tunesmith.models.checkpoint.load_model(path)`; the weights are safetensors, the rest JSON.
"""


def _num(x) -> float:
    return math.nan if x is None else float(x)


def ship(src, dest, name: str | None = None) -> Path:
    """Copy a checkpoint's weights and config (not its training state) to `dest` with a model card."""
    src, dest = Path(src), Path(dest)
    config = read_config(src)
    with atomic_folder(dest) as tmp:
        shutil.copy2(src / WEIGHTS, tmp / WEIGHTS)
        shutil.copy2(src / CONFIG, tmp / CONFIG)
        (tmp / CARD).write_text(model_card(config, name or dest.name))
    return dest
