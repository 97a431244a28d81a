"""Run configuration: a small tree of frozen dataclasses, read from a TOML preset and overridden from the
command line with `--set section.key=value`, every value checked against the field's type.

    data = "chorales-remi"        # a folder of training arrays, or its name under <cache>/tokens/
    [model]                       # name and size pick a registry entry; other keys are its config fields
    name = "rnn"
    size = "small"
    cell = "lstm"
    [train]                       # TrainConfig fields
    max_steps = 4000
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import NoneType, UnionType

from tunesmith.errors import ConfigError


@dataclass(frozen=True)
class TrainConfig:
    batch_size: int = 32  # global: split evenly across data-parallel ranks
    block_size: int = 256  # tokens per training window
    max_steps: int = 5000
    lr: float = 1e-3
    warmup_steps: int = 200
    schedule: str = "cosine"  # see schedule.SCHEDULES
    min_lr_ratio: float = 0.1
    weight_decay: float = 0.1
    betas: tuple[float, float] = (0.9, 0.95)
    grad_clip: float = 1.0  # max global gradient norm; 0 disables
    eval_every: int = 250
    eval_tokens: int = 0  # score only the first N validation tokens; 0: all of them
    patience: int = 0  # stop after this many evaluations without a better validation loss; 0: never
    max_minutes: float = 0.0  # stop after this many minutes of training steps (evaluation not counted); 0: never
    checkpoint_every: int = 500
    keep_checkpoints: int = 2  # step checkpoints kept besides best/
    log_every: int = 10
    precision: str = "auto"  # fp32 | bf16 | auto (bf16 on CUDA, fp32 on every CPU: see trainer.use_bf16)
    device: str = "auto"  # cpu | cuda | auto
    compile: bool = False  # torch.compile the model
    seed: int = 0

    def __post_init__(self):
        choices = {"schedule": ("cosine", "constant"), "precision": ("auto", "fp32", "bf16"),
                   "device": ("auto", "cpu", "cuda")}
        for key, valid in choices.items():
            if getattr(self, key) not in valid:
                raise ConfigError(f"train.{key}: {getattr(self, key)!r} is not one of {', '.join(valid)}")
        for key in ("batch_size", "block_size", "eval_every", "checkpoint_every", "log_every", "keep_checkpoints"):
            if getattr(self, key) < 1:
                raise ConfigError(f"train.{key} must be at least 1, got {getattr(self, key)}")
        counts = (self.max_steps, self.warmup_steps, self.eval_tokens, self.patience, self.max_minutes)
        if self.lr <= 0 or min(counts) < 0:
            raise ConfigError("train.lr must be positive; max_steps, warmup_steps, eval_tokens, patience, "
                              "max_minutes >= 0")


@dataclass(frozen=True)
class RunConfig:
    data: str = ""
    model: str = "transformer"
    size: str = "small"
    model_config: typing.Any = None  # the model's own config dataclass, vocab_size filled in at training
    train: TrainConfig = field(default_factory=TrainConfig)

    def to_dict(self) -> dict:
        cfg = dataclasses.asdict(self.model_config) if self.model_config is not None else {}
        return {"data": self.data, "model": {"name": self.model, "size": self.size, **cfg},
                "train": dataclasses.asdict(self.train)}

    @classmethod
    def from_dict(cls, d: dict, overrides: list[str] = ()) -> RunConfig:
        """Build from a preset's dict; `overrides` are "a.b=value" strings, applied first, then all is checked."""
        d = {k: dict(v) if isinstance(v, dict) else v for k, v in d.items()}
        for item in overrides:
            key, value = parse_override(item)
            *parents, leaf = key.split(".")
            node = d
            for p in parents:
                node = node.setdefault(p, {})
                if not isinstance(node, dict):
                    raise ConfigError(f"{key}: {p} is not a section")
            node[leaf] = value
        unknown = sorted(set(d) - {"data", "model", "train"})
        if unknown:
            raise ConfigError(f"unknown key(s) {', '.join(unknown)}; valid: data, model, train")
        data = check("data", d.get("data", ""), str)
        train = build_dataclass(TrainConfig, d.get("train", {}), "train")
        model = dict(d.get("model", {}))
        name = check("model.name", model.pop("name", cls.model), str)
        size = check("model.size", model.pop("size", cls.size), str)
        from tunesmith.models import entry, model_config

        config_cls = entry(name)[0]
        hints = typing.get_type_hints(config_cls)
        known = {f.name for f in dataclasses.fields(config_cls)}
        for k, v in model.items():
            if k not in known:
                raise ConfigError(f"unknown key model.{k} for model {name}; valid: {', '.join(sorted(known))}")
            model[k] = check(f"model.{k}", v, hints[k])
        return cls(data=data, model=name, size=size, model_config=model_config(name, size, **model), train=train)


def build_dataclass(cls, values: dict, prefix: str):
    if not isinstance(values, dict):
        raise ConfigError(f"{prefix}: expected a section, got {values!r}")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    for k in values:
        if k not in names:
            raise ConfigError(f"unknown key {prefix}.{k}; valid: {', '.join(names)}")
    return cls(**{k: check(f"{prefix}.{k}", v, hints[k]) for k, v in values.items()})


def check(key: str, value, typ):
    """`value` as type `typ` (int widens to float, lists become tuples), or a ConfigError naming `key`."""
    origin, args = typing.get_origin(typ), typing.get_args(typ)
    if origin in (UnionType, typing.Union):
        for t in args:
            try:
                return check(key, value, t)
            except ConfigError:
                pass
    elif typ is NoneType:
        if value is None:
            return None
    elif typ is typing.Any:
        return value
    elif origin is tuple:
        if isinstance(value, list | tuple) and len(value) == len(args):
            return tuple(check(f"{key}[{i}]", v, t) for i, (v, t) in enumerate(zip(value, args)))
    elif typ is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif typ is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif isinstance(value, typ):
        return value
    name = getattr(typ, "__name__", str(typ))
    raise ConfigError(f"{key}: expected {name}, got {value!r}")


def parse_override(item: str) -> tuple[str, object]:
    """"train.lr=3e-4" -> ("train.lr", 0.0003): the value is read as TOML, or taken as a bare string."""
    key, sep, text = item.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError(f"--set {item!r}: expected key=value")
    try:
        value = tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = text.strip()
    return key, value


def presets() -> list[str]:
    """Names of the presets shipped in tunesmith/presets/."""
    return sorted(p.name[:-5] for p in resources.files("tunesmith.presets").iterdir() if p.name.endswith(".toml"))


def load_preset(name: str, overrides: list[str] = ()) -> RunConfig:
    """A shipped preset by name, or a TOML file by path, with overrides applied."""
    path = Path(name)
    if path.suffix == ".toml" and path.is_file():
        text = path.read_text()
    elif name in presets():
        text = resources.files("tunesmith.presets").joinpath(f"{name}.toml").read_text()
    else:
        raise ConfigError(f"unknown preset {name!r}; valid: {', '.join(presets())} (or a path to a .toml file)")
    try:
        d = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"preset {name}: {e}") from None
    return RunConfig.from_dict(d, overrides)
