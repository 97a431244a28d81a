"""Which shipped models a job takes.

A model's kind is its family's contract (tunesmith.models), read from its config.json without loading weights:
a sequence model writes music of its own (`tunesmith compose`; an RL-tuned model is one, its family the base's),
a conditional model writes music given other music and was trained for the tasks its data pairs name
(harmonize, infill, accompany), a latent model is a VAE (interpolate, vary), and another kind (the GAN's
excerpts) fits no job of the studio. Each job says which kinds its library function accepts (`Takes`), so that
its form lists only those and the API refuses another with a one-line reason before a run starts.

What each job takes mirrors its library function's checks: compose and continue refuse any model but a sequence
model (generation.job); harmonize needs two voices or more, of a sequence or a conditional model
(generation.harmonize); infill takes either (generation.infill); accompany needs a lead-sheet model
(generation.accompany); restyle harmonizes for bach and infills one voice for a folk style (generation.restyle);
vary and interpolate need a VAE (latent.space). Among conditional models of one size, the library tells a
harmonizer from an infiller only by what it writes; here the tasks recorded in the model's config do.
"""

from __future__ import annotations

from dataclasses import dataclass

KIND_NAMES = {"sequence": "a sequence model", "conditional": "a conditional model", "latent": "a latent model"}


def kind_of(config: dict) -> dict:
    """{"kind", "family", "tasks", "rl_tuned"} of a checkpoint's config.json: kind "sequence", "conditional",
    "latent", another family's data kind ("excerpts": the GAN), or "unknown" for a family tunesmith lacks."""
    from tunesmith.models import MODELS
    from tunesmith.models.latent import LatentModel

    model = config.get("model")
    family = model.get("name") if isinstance(model, dict) else None
    cls = MODELS[family][1] if family in MODELS else None
    kind = "unknown" if cls is None else "latent" if issubclass(cls, LatentModel) else cls.data_kind
    tasks = []
    if kind == "conditional":  # tunesmith.data.pairs: {"mix": {task: share}}; the lead sheets: {"task": name}
        data = config.get("data")
        task = data.get("task") if isinstance(data, dict) else None
        if isinstance(task, dict):
            tasks = list(task.get("mix") or {}) if isinstance(task.get("mix"), dict) else []
            tasks += [task["task"]] if isinstance(task.get("task"), str) else []
    return {"kind": kind, "family": family, "tasks": tasks, "rl_tuned": isinstance(config.get("tuning"), dict)}


def described(info: dict) -> str:
    """A shipped model's kind in words: 'a conditional model (seq2seq, 4 voices) trained to harmonize, infill'."""
    voices = info.get("voices")
    about = [info.get("family") or "unreadable config"]
    if voices:
        about.append("1 voice" if voices == 1 else f"{voices} voices")
    if info.get("rl_tuned"):
        about.append("RL-tuned")
    what = KIND_NAMES.get(info["kind"], f"a model of {info['kind']}")
    tasks = f" trained to {', '.join(info['tasks'])}" if info.get("tasks") else ""
    return f"{what} ({', '.join(about)}){tasks}"


@dataclass(frozen=True)
class Takes:
    """A kind of model a job's library function accepts: its kind, for a conditional model a task it was
    trained for, and the voices it writes."""

    kind: str
    task: str | None = None
    min_voices: int = 1
    max_voices: int | None = None

    def fits(self, info: dict) -> bool:
        """Whether a shipped model (params.shipped_info's entry) is of this kind."""
        voices = info.get("voices") or 0
        return (info.get("kind") == self.kind and (self.task is None or self.task in info.get("tasks", ()))
                and voices >= self.min_voices and (self.max_voices is None or voices <= self.max_voices))

    def __str__(self) -> str:
        what = KIND_NAMES.get(self.kind, f"a model of {self.kind}") + (" (a VAE)" if self.kind == "latent" else "")
        if self.max_voices == 1:
            what += " of one voice"
        elif self.min_voices > 1:
            what += f" of {self.min_voices} voices or more"
        return what + (f" trained to {self.task}" if self.task else "")


def refusal(name: str, info: dict | None, takes: tuple[Takes, ...], job: str) -> str | None:
    """Why model `name` does not fit a job that takes `takes` (one line), or None where it fits (or the job
    takes any model)."""
    if not takes or info is None or any(t.fits(info) for t in takes):
        return None
    return f"{name} is {described(info)}; {job} takes {' or '.join(map(str, takes))}"


SEQUENCE = (Takes("sequence"),)  # compose, continue: RL-tuned models are sequence models of their base's family
HARMONIZERS = (Takes("conditional", "harmonize", min_voices=2), Takes("sequence", min_voices=2))
INFILLERS = (Takes("conditional", "infill"), Takes("sequence"))
ACCOMPANISTS = (Takes("conditional", "accompany"),)
FOLK = (Takes("conditional", "infill", max_voices=1), Takes("sequence", max_voices=1))  # restyle to a folk style
LATENT = (Takes("latent"),)
