"""A piano-roll picture of a score: time in bars across, pitch up, one color per track."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from tunesmith.errors import DependencyError
from tunesmith.score.model import Score
from tunesmith.theory.pitch import pitch_name

DPI = 100
HEIGHT_INCHES = 6.0
# Width grows with the number of bars so 8 bars get ~100 px each and 64 bars still ~50 px each.
MIN_WIDTH_INCHES, INCHES_PER_BAR, MAX_WIDTH_INCHES = 8.0, 0.5, 32.0
# General MIDI program families, 8 programs each, for the legend.
GM_FAMILIES = (
    "piano", "chromatic percussion", "organ", "guitar", "bass", "strings", "ensemble", "brass",
    "reed", "pipe", "synth lead", "synth pad", "synth effects", "ethnic", "percussive", "sound effects",
)


def figure_size(n_bars: int) -> tuple[float, float]:
    """(width, height) in inches of the piano roll of an n-bar score; pixels are these times DPI."""
    width = min(max(MIN_WIDTH_INCHES, 3.0 + INCHES_PER_BAR * n_bars), MAX_WIDTH_INCHES)
    return width, HEIGHT_INCHES


def track_label(track, index: int) -> str:
    """Legend text of a track: its name (or 'track N') and its program or 'drums'."""
    name = track.name or f"track {index + 1}"
    if track.is_drum:
        return f"{name} (drums)"
    return f"{name} (program {track.program}, {GM_FAMILIES[track.program // 8]})"


def plot_pianoroll(score: Score, path, title: str | None = None, dpi: int = DPI) -> Path:
    """Draw the score as a piano-roll PNG with bar lines, note names at each C and a legend of tracks.

    The image is `figure_size(bars) * dpi` pixels. Note opacity follows velocity. Written atomically.
    """
    try:
        # A bare Figure draws with Agg and leaves pyplot's global state (and a notebook's backend) alone.
        from matplotlib.figure import Figure
    except ImportError:
        raise DependencyError("plotting a piano roll needs matplotlib (pip install matplotlib)") from None

    path = Path(path)
    title = score.metadata.title if title is None else title
    width, height = figure_size(len(score.bar_starts(max(score.end, 1))))
    # Margins in inches, so labels fit the same way at 8 and at 64 bars. The legend sits above the
    # axes (it never hides notes) in rows of up to four tracks, as many as fit across (a label such as
    # "soprano (program 52, ensemble)" takes ~2.4 inches at 8 points), and the title above the legend.
    left, right, bottom = 0.75, 0.2, 0.55
    ncol = max(1, min(len(score.tracks), 4, int((width - left - right) / 2.4)))
    rows = -(-len(score.tracks) // ncol)
    top = 0.15 + 0.22 * rows + (0.3 if title else 0.0)
    fig = Figure(figsize=(width, height), dpi=dpi)
    ax = fig.add_axes((left / width, bottom / height,  # (x, y, w, h) as fractions of the figure
                       1 - (left + right) / width, 1 - (bottom + top) / height))
    handles = draw_pianoroll(ax, score)
    if handles:
        ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=ncol, fontsize=8,
                  frameon=False, borderaxespad=0.2, handlelength=1.2, columnspacing=1.2)
    if title:
        fig.text(left / width, 1 - 0.1 / height, title, ha="left", va="top", fontsize=11)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        fig.savefig(tmp, format="png", dpi=dpi)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def draw_pianoroll(ax, score: Score, alpha: float = 1.0) -> list:
    """Draw the score's notes on matplotlib axes `ax` (x in ticks, y in MIDI pitch) with keyboard shading, bar
    lines numbered from 1 and note names at each C; returns one legend handle per track. `alpha` scales the
    notes' opacity (for drawing over them, as the attention map does)."""
    from matplotlib import colormaps
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Rectangle

    end = max(score.end, 1)
    bars = score.bar_starts(end)
    last_bar = score.time_signatures[-1].bar_ticks
    x_end = max(int(bars[-1]) + last_bar, end)  # draw the final bar to its end

    pitches = np.concatenate([np.array([], np.int16)] + [t.notes["pitch"] for t in score.tracks])
    low, high = (int(pitches.min()) - 2, int(pitches.max()) + 2) if pitches.size else (60, 60)
    if high - low < 24:  # at least two octaves, so a C label always shows
        mid = (low + high) // 2
        low, high = mid - 12, mid + 12
    # black-key rows shaded like a keyboard, so a pitch can be read across the picture
    black = [p for p in range(low, high + 1) if p % 12 in (1, 3, 6, 8, 10)]
    ax.add_collection(PolyCollection(
        [[(0, p - 0.5), (x_end, p - 0.5), (x_end, p + 0.5), (0, p + 0.5)] for p in black],
        facecolors="0.93", edgecolors="none", zorder=0))
    colors = colormaps["tab10"].colors
    handles = []
    for i, track in enumerate(score.tracks):
        n = track.notes
        color = colors[i % len(colors)]
        if len(n):
            s, e, p = n["start"], n["start"] + n["duration"], n["pitch"].astype(float)
            verts = np.stack([np.stack([s, p - 0.4], 1), np.stack([e, p - 0.4], 1),
                              np.stack([e, p + 0.4], 1), np.stack([s, p + 0.4], 1)], 1)  # (N, 4, 2)
            opacity = (0.45 + 0.55 * np.clip(n["velocity"], 0, 127) / 127) * alpha
            face = np.column_stack([np.tile(color, (len(n), 1)), opacity])  # (N, 4) RGBA
            ax.add_collection(PolyCollection(verts, facecolors=face, edgecolors=(*color, alpha),
                                             linewidths=0.4, zorder=2))
        handles.append(Rectangle((0, 0), 1, 1, color=color, label=track_label(track, i)))

    for b in bars:
        ax.axvline(b, color="0.45", linewidth=0.7, zorder=1)
    cs = [p for p in range(low, high + 1) if p % 12 == 0]
    for c in cs:
        ax.axhline(c - 0.5, color="0.75", linewidth=0.5, zorder=1)
    ax.set_yticks(cs, [pitch_name(c) for c in cs])
    step = 1 if len(bars) <= 32 else 4  # bar numbers stay readable at 64 bars
    ax.set_xticks(bars[::step], [str(i + 1) for i in range(0, len(bars), step)])
    ax.set_xlim(0, x_end)
    ax.set_ylim(low - 0.5, high + 0.5)
    ax.set_xlabel("bar")
    ax.set_ylabel("pitch")
    ax.tick_params(length=0)
    ax.spines["top"].set_visible(False)  # the right spine stays: it closes the last bar
    return handles
