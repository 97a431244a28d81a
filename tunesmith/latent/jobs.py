"""The latent-space jobs, one library function each (the CLI and the studio only parse and print):

    interpolate_files("a.mid", "b.mid", steps=7, model="folk-vae-2bar", out="out/path")
    vary_files("a.mid", amount=0.3, n=4, attribute="denser", strength=1.0, out="out/vary")
    sample_files(n=8, temperature=0.5, out="out/sample")

Each reads, checks everything (meters, lengths, settings) before it writes, and writes its set of files together,
the report last (tunesmith.atomic.atomic_files): a MIDI file per piece, the piano rolls side by side (PNG) and a
JSON report with the figures of each piece."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from tunesmith.errors import ConfigError, TunesmithError

MAX_STEPS = 64
MAX_PIECES = 256
DEFAULT_MODEL = "folk-vae-2bar"


def figures(score, ids=None, references: dict | None = None) -> dict:
    """What changes along a path: key, notes, onsets per bar, in-key rate, mean pitch; and the token distance
    (share of grid tokens that differ) from `ids` to each of `references` {name: ids}."""
    from tunesmith.evaluation.metrics import in_key_rate
    from tunesmith.theory.keys import estimate_key

    notes = score.all_notes()
    key = estimate_key(score)
    bars = max(1, len(score.bar_starts()))
    out = {"key": key.name if key is not None else None, "notes": int(len(notes)),
           "notes_per_bar": round(len(notes) / bars, 3),
           "in_key_rate": None if math.isnan(r := in_key_rate(score)) else round(r, 4),
           "mean_pitch": round(float(notes["pitch"].mean()), 3) if len(notes) else None}
    if references:
        from tunesmith.latent.space import hamming

        out |= {name: round(hamming(ids, r), 4) for name, r in references.items()}
    return out


def _read(path, label: str):
    from tunesmith.io import read

    try:
        return read(path)
    except TunesmithError as e:
        raise TunesmithError(f"{label}: {e}") from None


def _check_out(out) -> Path:
    from tunesmith.atomic import check_writable

    return check_writable(out)


def _write(out: Path, stem: str, scores: list, titles: list[str], report: dict) -> dict:
    """Write each score as `<stem>-<i>.mid`, the picture `<stem>.png` and the report `<stem>.json`, together."""
    from tunesmith.atomic import atomic_files
    from tunesmith.io import write
    from tunesmith.latent.picture import side_by_side

    out.mkdir(parents=True, exist_ok=True)
    with atomic_files(out, stem, last=f"{stem}.json") as tmp:
        for i, (score, piece) in enumerate(zip(scores, report["pieces"])):
            write(score, tmp / f"{stem}-{i}.mid")
            piece["file"] = str(out / f"{stem}-{i}.mid")
        side_by_side(scores, titles, tmp / f"{stem}.png", report.get("title"))
        report["picture"] = str(out / f"{stem}.png")
        (tmp / f"{stem}.json").write_text(json.dumps(report, indent=1))
    report["report"] = str(out / f"{stem}.json")
    return report


def interpolate_files(a, b, steps: int = 7, model: str = DEFAULT_MODEL, out="out", bars: int | None = None,
                      temperature: float = 0.0, seed: int = 0) -> dict:
    """A path of `steps` pieces from A to B through the latent space (spherical interpolation of the codes of
    each span, then decoding), A's and B's reconstructions at its ends. A and B must share a meter and a
    length (`bars` takes the first bars of each)."""
    from tunesmith.latent.space import Space, slerp

    if not 2 <= steps <= MAX_STEPS:
        raise ConfigError(f"--steps must be in 2..{MAX_STEPS}, got {steps}")
    out = _check_out(out)
    score_a, score_b = _read(a, f"A ({a})"), _read(b, f"B ({b})")
    meters = [f"{s.time_signatures[0].numerator}/{s.time_signatures[0].denominator}" for s in (score_a, score_b)]
    if meters[0] != meters[1]:
        raise TunesmithError(f"A is in {meters[0]}, B in {meters[1]}: interpolation needs two pieces in one meter")
    space = Space.load(model)
    spans_a, cond = space.spans(score_a, bars, f"A ({Path(a).name})")
    spans_b, _ = space.spans(score_b, bars, f"B ({Path(b).name})")
    if spans_a.shape != spans_b.shape:
        n_a, n_b = (len(s) * space.layout["bars"] for s in (spans_a, spans_b))
        raise TunesmithError(f"A has {n_a} bars, B has {n_b}: interpolation needs two pieces of one length "
                             f"(--bars N takes the first N bars of each)")
    mu_a, mu_b = space.encode(spans_a)[0], space.encode(spans_b)[0]
    path = slerp(mu_a, mu_b, np.linspace(0.0, 1.0, steps))  # (T, S, D)
    ids = space.decode(path.reshape(-1, space.latent), temperature, seed).reshape(steps, len(spans_a), -1)
    scores = [space.to_score(s, cond) for s in ids]
    ends = {"distance_to_a": ids[0], "distance_to_b": ids[-1]}
    report = {"job": "interpolate", "model": {"name": space.name, "path": str(space.path)},
              "a": str(a), "b": str(b), "bars": len(spans_a) * space.layout["bars"], "steps": steps,
              "temperature": temperature, "seed": seed,
              "title": f"{Path(a).stem} -> {Path(b).stem} through {space.name}",
              "pieces": [{"step": i, "fraction": round(i / (steps - 1), 4), **figures(s, ids[i], ends)}
                         for i, s in enumerate(scores)]}
    titles = ["A (reconstructed)" if i == 0 else "B (reconstructed)" if i == steps - 1 else f"{i / (steps - 1):.2f}"
              for i in range(steps)]
    return _write(out, "interpolation", scores, titles, report)


def vary_files(piece, amount: float = 0.3, n: int = 4, model: str = DEFAULT_MODEL, out="out",
               bars: int | None = None, attribute: str | None = None, strength: float = 1.0,
               temperature: float = 0.0, seed: int = 0) -> dict:
    """`n` variations of a piece: each span's code moved by `amount` standard normal noise (scaled by the
    prior's unit: 0.3 stays near, 1 wanders) and, with `attribute`, by `strength` times its vector (MusicVAE's
    attribute arithmetic: denser, higher, irish, ...), then decoded."""
    from tunesmith.latent import attributes
    from tunesmith.latent.space import Space

    if not (math.isfinite(amount) and 0 <= amount <= 10):
        raise ConfigError(f"--amount must be in 0..10, got {amount}")
    if not (math.isfinite(strength) and -10 <= strength <= 10):
        raise ConfigError(f"--strength must be in -10..10, got {strength}")
    if not 1 <= n <= MAX_PIECES:
        raise ConfigError(f"-n must be in 1..{MAX_PIECES}, got {n}")
    out = _check_out(out)
    score = _read(piece, str(piece))
    space = Space.load(model)
    spans, cond = space.spans(score, bars, Path(piece).name)
    shift = strength * attributes.vector(space, attribute) if attribute else 0.0
    mu = space.encode(spans)[0]
    noise = np.random.default_rng(seed).standard_normal((n, *mu.shape)).astype(np.float32)
    z = mu[None] + amount * noise + shift  # (n, S, D)
    original = space.decode(mu, temperature, seed)
    ids = space.decode(z.reshape(-1, space.latent), temperature, seed).reshape(n, len(spans), -1)
    scores = [space.to_score(original, cond)] + [space.to_score(s, cond) for s in ids]
    report = {"job": "vary", "model": {"name": space.name, "path": str(space.path)}, "piece": str(piece),
              "amount": amount, "attribute": attribute, "strength": strength if attribute else None,
              "temperature": temperature, "seed": seed, "title": f"{Path(piece).stem}: variations ({space.name})",
              "pieces": [{"variation": i, **figures(s, x, {"distance": original})}
                         for i, (s, x) in enumerate(zip(scores, [original, *ids]))]}
    titles = ["reconstructed"] + [f"variation {i + 1}" for i in range(n)]
    return _write(out, "variations", scores, titles, report)


def sample_files(n: int = 8, model: str = DEFAULT_MODEL, out="out", temperature: float = 0.5,
                 seed: int = 0) -> dict:
    """`n` pieces decoded from codes drawn from the prior N(0, I)."""
    from tunesmith.latent.space import Space

    if not 1 <= n <= MAX_PIECES:
        raise ConfigError(f"-n must be in 1..{MAX_PIECES}, got {n}")
    if not (math.isfinite(temperature) and 0 <= temperature <= 10):
        raise ConfigError(f"--temperature must be in 0..10, got {temperature}")
    out = _check_out(out)
    space = Space.load(model)
    z = np.random.default_rng(seed).standard_normal((n, space.latent)).astype(np.float32)
    ids = space.decode(z, temperature, seed)
    scores = [space.to_score(x[None]) for x in ids]
    report = {"job": "sample", "model": {"name": space.name, "path": str(space.path)}, "temperature": temperature,
              "seed": seed, "title": f"{n} samples from the prior of {space.name}",
              "pieces": [{"sample": i, **figures(s)} for i, s in enumerate(scores)]}
    return _write(out, "samples", scores, [f"sample {i + 1}" for i in range(n)], report)
