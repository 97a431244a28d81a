"""Pictures of an attention map (tunesmith.assistant.attention): over the piano roll of the piece as the model
reads it, an arc from each note back to the earlier note it attends to most (a beat or more before it: the
notes just before are always attended to and would hide the rest), darker for more attention; beside it, the
bar-to-bar attention, the attention by distance in beats and bars, and the reading in words. A second picture
draws the arcs of each layer and head on its own.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import numpy as np

from tunesmith.errors import DependencyError

MIN_ARC = 0.03  # attention below which no arc is drawn
ARC_COLOR = (0.75, 0.1, 0.1)
READING_COLOR = (0.05, 0.2, 0.55)


def _figure(width: float, height: float, dpi: int = 100):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise DependencyError("drawing attention needs matplotlib (pip install matplotlib)") from None
    return Figure(figsize=(width, height), dpi=dpi)


def _save(fig, path) -> Path:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        fig.savefig(tmp, format="png", dpi=fig.dpi)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def links(amap, weights: np.ndarray) -> list[tuple[int, int, float]]:
    """(note, earlier note, weight) of each note's strongest link to a note beginning a beat or more before it,
    from note weights (N, N) of one head or averaged; links under MIN_ARC are left out."""
    notes = amap.notes
    steps = np.array([n.step for n in notes])
    out = []
    for q, n in enumerate(notes):
        far = steps <= n.step - amap.steps_per_beat
        if not far.any():
            continue
        w = np.where(far, weights[q], -1.0)
        k = int(w.argmax())
        if w[k] >= MIN_ARC:
            out.append((q, k, float(w[k])))
    return out


def draw_arcs(ax, amap, weights: np.ndarray, width: float = 1.2) -> None:
    """Arcs from earlier notes to the notes that attend to them (`links`), opacity by weight."""
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path as MPath

    found = links(amap, weights)
    if not found:
        return
    grid, notes = amap.ticks_per_step, amap.notes
    top = max(found, key=lambda x: x[2])[2]
    paths, colors = [], []
    for q, k, w in found:
        x0, y0 = notes[k].step * grid, notes[k].pitch + 0.4
        x1, y1 = notes[q].step * grid, notes[q].pitch + 0.4
        lift = 1.5 + 0.25 * (x1 - x0) / (amap.steps_per_bar * grid) * 4  # longer links bulge higher
        paths.append(MPath([(x0, y0), ((x0 + x1) / 2, max(y0, y1) + lift), (x1, y1)],
                           [MPath.MOVETO, MPath.CURVE3, MPath.CURVE3]))
        colors.append((*ARC_COLOR, 0.15 + 0.85 * w / top))
    ax.add_collection(PathCollection(paths, facecolors="none", edgecolors=colors, linewidths=width, zorder=3))


def plot_attention(amap, path, title: str = "") -> Path:
    """The main picture (see the module doc), averaged over layers and heads."""
    from tunesmith.render.pianoroll import draw_pianoroll

    bars = len(amap.bar_labels)
    width = float(min(max(13.0, 3.0 + 0.55 * bars), 26.0))
    fig = _figure(width, 10.5)
    roll = fig.add_axes((0.6 / width, 0.5, 1 - 0.9 / width, 0.43))
    handles = draw_pianoroll(roll, amap.score, alpha=0.55)
    _bar_ticks(roll, amap)
    draw_arcs(roll, amap, amap.mean("note_weights"))
    top = roll.get_ylim()[1]
    shown = _reading_arcs(roll, amap, top + 5)
    roll.set_ylim(roll.get_ylim()[0], top + (18 if shown else 6))  # room for the arcs over the highest notes
    from matplotlib.lines import Line2D

    handles.append(Line2D([], [], color=ARC_COLOR, label="a note's strongest link a beat or more back"))
    roll.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=min(len(handles), 5),
                fontsize=8, frameon=False, borderaxespad=0.2)
    fig.text(0.6 / width, 0.985, title or "Attention", ha="left", va="top", fontsize=12, weight="bold")

    heat = fig.add_axes((0.6 / width, 0.06, 0.22, 0.34))
    _bar_heatmap(fig, heat, amap.mean("bar_weights"), amap.bar_labels)
    dist = fig.add_axes((0.6 / width + 0.29, 0.25, 0.25, 0.15))
    _distance(dist, amap.mean("by_beats"), "beats back", amap.steps_per_bar / amap.steps_per_beat)
    dbar = fig.add_axes((0.6 / width + 0.29, 0.06, 0.25, 0.12))
    _distance(dbar, amap.mean("by_bars"), "bars back", None)
    from tunesmith.assistant.reading import overview

    text = [r.text for r in amap.readings] or ["No bar draws on an earlier one more than distance explains."]
    lines = []
    for t in overview(amap) + [""] + text:
        wrapped = textwrap.wrap(t, 92) or [""]
        if len(lines) + len(wrapped) > 24:
            lines.append(f"(and {len(text) - text.index(t)} more readings in the report)" if t in text else "")
            break
        lines += wrapped
    fig.text(0.6 / width + 0.58, 0.40, "\n".join(lines), ha="left", va="top", fontsize=8, family="serif")
    return _save(fig, path)


def _bar_ticks(ax, amap) -> None:
    """Bar numbers as the score prints them (a pickup is bar 0), every bar up to 32 bars, else every fourth."""
    starts = [int(s) * amap.ticks_per_step for s in amap.bar_starts]
    step = 1 if len(starts) <= 32 else 4
    ax.set_xticks(starts[::step], amap.bar_labels[::step])


def _reading_arcs(ax, amap, y: float) -> int:
    """The readings that link two bars by what they share, as arcs from the earlier bar's middle to the later
    one's, labelled over the later bar, above the notes: what a musician looks for first. Returns how many."""
    from matplotlib.patches import Arc

    starts = [int(s) * amap.ticks_per_step for s in amap.bar_starts] + [int(amap.score.end)]
    index = {label: i for i, label in enumerate(amap.bar_labels)}
    shown = [r for r in amap.readings if r.shared and r.lift >= 1.5][:4]
    for k, r in enumerate(shown):
        a, b = index[r.source], index[r.bar]
        x0, x1 = (starts[a] + starts[a + 1]) / 2, (starts[b] + starts[b + 1]) / 2
        height = 3 + 2.5 * k
        ax.add_patch(Arc(((x0 + x1) / 2, y), x1 - x0, 2 * height, theta1=0, theta2=180, color=READING_COLOR,
                         linewidth=2, zorder=4))
        what = r.shared[0].removeprefix("its ").replace(" returns", "")
        ax.text((x0 + x1) / 2, y + height + 0.3, f"bar {r.bar} draws on bar {r.source}: {what}",
                color=READING_COLOR, ha="center", va="bottom", fontsize=8, zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 0.5})
    return len(shown)


def _bar_heatmap(fig, ax, bars: np.ndarray, labels: list[str]) -> None:
    shown = np.where(np.tril(np.ones_like(bars, bool)), bars, np.nan)
    im = ax.imshow(shown, cmap="Reds", vmin=0, vmax=max(float(np.nanmax(shown)), 1e-6), origin="upper")
    step = max(1, len(labels) // 12)
    ax.set_xticks(range(0, len(labels), step), labels[::step], fontsize=7)
    ax.set_yticks(range(0, len(labels), step), labels[::step], fontsize=7)
    ax.set_xlabel("attends to bar", fontsize=8)
    ax.set_ylabel("bar being written", fontsize=8)
    ax.set_title("share of each bar's attention", fontsize=9)
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.03).ax.tick_params(labelsize=7)


def _distance(ax, profile: np.ndarray, unit: str, bar_beats: float | None) -> None:
    shown = profile[: max(int(np.flatnonzero(profile > 0.002).max(initial=0)) + 2, 2)]
    ax.bar(np.arange(len(shown)), shown, color=ARC_COLOR, width=0.8)
    if bar_beats and len(shown) / bar_beats <= 12:  # bar lines, while they do not crowd the chart
        for b in np.arange(bar_beats, len(shown), bar_beats):
            ax.axvline(b - 0.5, color="0.6", linewidth=0.6)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(unit, fontsize=8)
    ax.set_ylabel("share", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.set_title(f"attention by distance ({unit.split()[0]})", fontsize=9)


def plot_heads(amap, path, title: str = "") -> Path:
    """The arcs of every layer and head, one small piano roll each, titled with how far back the head looks
    on average and its share on the voice being written."""
    from tunesmith.render.pianoroll import draw_pianoroll

    L, H = amap.layers, amap.heads
    bars = len(amap.bar_labels)
    cell = float(min(max(3.2, 0.25 * bars), 6.0))
    fig = _figure(cell * H + 0.4, 2.4 * L + 0.6, dpi=80)  # sixteen small rolls: a lighter file
    d = np.arange(amap.by_beats.shape[-1])
    reach = (amap.by_beats * d).sum(-1) / np.maximum(amap.by_beats.sum(-1), 1e-9)
    for layer in range(L):
        for head in range(H):
            ax = fig.add_subplot(L, H, layer * H + head + 1)
            draw_pianoroll(ax, amap.score, alpha=0.4)
            _bar_ticks(ax, amap)
            draw_arcs(ax, amap, amap.note_weights[layer, head], width=0.8)
            ax.set_ylim(ax.get_ylim()[0], ax.get_ylim()[1] + 6)
            ax.set_xlabel("")
            ax.set_ylabel("")
            ax.tick_params(labelsize=5)
            own = f", own voice {float(amap.same_voice[layer, head]):.0%}" if amap.to_voice.shape[-1] > 1 else ""
            ax.set_title(f"layer {layer + 1}, head {head + 1}: {float(reach[layer, head]):.1f} beats back{own}",
                         fontsize=7)
    fig.suptitle(title or "Attention per layer and head", fontsize=11)
    fig.subplots_adjust(left=0.03, right=0.99, bottom=0.04, top=1 - 0.75 / (2.4 * L + 0.6), hspace=0.45,
                        wspace=0.12)
    return _save(fig, path)
