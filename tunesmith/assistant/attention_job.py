"""The jobs behind `tunesmith attention FILE --model NAME` and the live view of composing.

`attention_job` reads a piece, runs a model with attention over it, sums the weights to notes and bars
(`assistant.attention`), reads them in musical terms (`assistant.reading`), and writes the pictures
(`assistant.attention_plot`) and a JSON report. `watch` composes as `tunesmith compose` does and, as each bar
is finished, says which earlier bars the model looked at while writing it; `compose_attention` draws that
for a piece once composed (by causality the attention over the finished piece is the attention it was
written with).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tunesmith.errors import ScoreError
from tunesmith.score.model import TPQ

FORMATS = ("png", "json")  # png: the map and the heads' picture (<stem>-attention.png, -heads.png)


@dataclass
class AttentionReport:
    """What `attention_job` found and wrote."""

    path: str
    model: str
    layers: int
    heads: int
    notes: int
    bars: int
    tokens: int
    truncated: bool
    overview: list[str]
    readings: list[str]
    bar_looks: list[dict]
    files: dict[str, str] = field(default_factory=dict)
    timings_s: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


def _loaded(model, score):
    """A Loaded model: as given, or by reference ('default' picks the shipped model that fits the piece)."""
    from tunesmith.generation.job import model_for
    from tunesmith.generation.load import load

    if not isinstance(model, str | Path):
        return model
    return load(model_for(score) if model == "default" else str(model))


def attention_job(path, model="default", out=None, formats=FORMATS) -> AttentionReport:
    """Read `path`, map the attention of `model` (a shipped name, a checkpoint folder, a Loaded, or "default":
    the shipped model that fits the piece) over it, and with `out` write `<stem>-attention.png` (averaged
    over layers and heads), `<stem>-heads.png` and `<stem>-attention.json`. Bad input raises a
    TunesmithError with a one-line message."""
    from tunesmith.assistant.attention import attention_map, bar_looks
    from tunesmith.assistant.reading import overview, read_map
    from tunesmith.io import read
    from tunesmith.io.measures import read_measures
    from tunesmith.render import check_formats

    formats = tuple(f for f in check_formats(formats) if f in FORMATS) if out else ()
    t0 = time.perf_counter()
    score = read(path)
    if not len(score.all_notes()):
        raise ScoreError(f"{Path(path).name} holds no notes; there is nothing to attend to")
    measures = read_measures(path, score)
    loaded = _loaded(model, score)
    t1 = time.perf_counter()
    amap = attention_map(loaded.model, loaded.tokenizer, score, labels=lambda tick: measures.locate(tick)[0])
    t2 = time.perf_counter()
    amap.readings = read_map(amap)
    report = AttentionReport(
        path=str(path), model=loaded.name, layers=amap.layers, heads=amap.heads, notes=len(amap.notes),
        bars=len(amap.bar_labels), tokens=len(amap.ids), truncated=amap.truncated, overview=overview(amap),
        readings=[r.text for r in amap.readings], bar_looks=bar_looks(amap))
    t3 = time.perf_counter()
    if out is not None:
        name = score.metadata.title or Path(path).name
        report.files = write_maps(amap, out, Path(path).stem, formats, f"{name}: what the {loaded.name} model "
                                  "attends to")
    report.timings_s = {"read_and_load": round(t1 - t0, 3), "attention": round(t2 - t1, 3),
                        "reading": round(t3 - t2, 3), "draw": round(time.perf_counter() - t3, 3)}
    if "json" in report.files:
        Path(report.files["json"]).write_text(json.dumps(report.to_dict(), indent=2))
    return report


def write_maps(amap, out, stem: str, formats=FORMATS, title: str = "") -> dict[str, str]:
    """Write the pictures (png) and reserve the report's name (json) of a map into `out`; {kind: path}."""
    from tunesmith.assistant.attention_plot import plot_attention, plot_heads

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    if "png" in formats:
        files["png"] = str(plot_attention(amap, out / f"{stem}-attention.png", title))
        files["heads"] = str(plot_heads(amap, out / f"{stem}-heads.png", title + " — each layer and head"))
    if "json" in formats:
        files["json"] = str(out / f"{stem}-attention.json")
    return files


def report_text(report: AttentionReport) -> str:
    """The report for people: the overview, the readings, the files."""
    lines = [f"{report.path}: {report.notes} notes, {report.bars} bars, {report.tokens} tokens; the {report.model} "
             f"model ({report.layers} layers x {report.heads} heads)"]
    if report.truncated:
        lines.append("(only the beginning was scored: the piece is longer than the attention map holds)")
    lines += ["", *report.overview, ""]
    lines += [f"- {r}" for r in report.readings] or ["No bar draws on an earlier one more than distance explains."]
    lines += [f"{kind}: {p}" for kind, p in report.files.items()]
    return "\n".join(lines) + "\n"


def watch(model, request) -> Iterator[dict]:
    """Compose as `compose` does (the same prefix, constraints and draws, so the same piece for a seed) and
    yield, as each bar is finished, {"bar": number from 1, "earlier": {bar: share}, "most": [bars],
    "conditioning": share, "itself": share}: which earlier bars the model looked at while writing it; then
    {"done": True, "score": Score, "ids": [...]}. `model` is a Loaded. Beam search cannot stream: with
    beams the looks come after the piece."""
    import torch

    from tunesmith.assistant.attention import bar_looks, check_model, ids_map
    from tunesmith.generation.compose import (
        Conditioning,
        complete_prefix,
        compose,
        finish,
        meter_steps,
        phrases_for,
        rules_for,
    )
    from tunesmith.generation.generate import stream_tokens

    loaded = model
    check_model(loaded.model, loaded.tokenizer)
    tok = loaded.tokenizer
    request = loaded.request(request).resolved().check_for(tok)
    if request.beams > 1:
        score, ids = compose(loaded.model, tok, request, loaded.default_programs)
        yield from bar_looks(ids_map(loaded.model, tok, ids, score.fermatas))
        yield {"done": True, "score": score, "ids": ids}
        return
    # the setup of tunesmith.generation.compose.compose, step for step (a test keeps the two equal)
    prefix = complete_prefix(loaded.model, tok, request)
    cond = Conditioning.from_tokens([tok.vocab.name(i) for i in prefix])
    spq, voices = tok.config["steps_per_quarter"], tok.config["voices"]
    bar, beat = meter_steps(cond.meter, spq)
    steps = request.bars * bar
    plan = phrases_for(tok, request, bar, beat)
    rules = rules_for(tok, cond, request, steps, plan=plan)
    eos = tok.vocab["EOS"]
    ids = list(prefix)
    per_bar = bar * voices
    for t in stream_tokens(loaded.model, prefix, steps * voices + 1, eos, rules, request.temperature,
                           request.top_k, request.top_p, request.seed):
        ids.append(int(t[0]))
        written = len(ids) - len(prefix)
        if ids[-1] != eos and written % per_bar == 0:
            with torch.inference_mode():
                looks = bar_looks(ids_map(loaded.model, tok, ids))
            yield looks[-1]
        if ids[-1] == eos:
            break
    score = finish(tok.decode(ids), request, loaded.default_programs)
    fermatas = tuple(s * (TPQ // spq) for s, _, _ in plan.ends) if plan else ()
    yield {"done": True, "score": score.replace(fermatas=fermatas), "ids": ids}


def compose_attention(model, report: dict, out) -> dict[str, str]:
    """The attention pictures of a piece just composed, from its compose report (`generation.job`): its score
    encoded again gives the token ids it was written as (the same conditioning and body), so the attention
    over them is the attention it was written with. Writes `<piece>-attention.png` and `-heads.png` in `out`."""
    from tunesmith.assistant.attention import ids_map
    from tunesmith.assistant.reading import read_map
    from tunesmith.io.json import from_dict

    score = from_dict(report["score"])
    stem = Path(report["files"]["json"]).stem
    amap = ids_map(model.model, model.tokenizer, model.tokenizer.encode(score), score.fermatas)
    amap.readings = read_map(amap)
    return write_maps(amap, out, stem, ("png",), f"{stem}: what the {model.name} model attended to as it composed")
