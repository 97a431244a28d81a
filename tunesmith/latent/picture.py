"""Pieces drawn as piano rolls side by side, on one pitch axis, so that a path or a set of variations reads
left to right (tunesmith.render.pianoroll draws each)."""

from __future__ import annotations

import os
from pathlib import Path


def side_by_side(scores, titles, path, title: str | None = None, dpi: int = 100) -> Path:
    """One PNG: a panel per score (its title above), sharing the pitch range of them all; written atomically."""
    from matplotlib.figure import Figure

    from tunesmith.render.pianoroll import draw_pianoroll

    path = Path(path)
    n = len(scores)
    cols = n if n <= 8 else 4
    rows = -(-n // cols)
    fig = Figure(figsize=(2.6 * cols + 0.6, 2.3 * rows + (0.5 if title else 0.2)), dpi=dpi)
    axes = [fig.add_subplot(rows, cols, i + 1) for i in range(n)]
    lows, highs = [], []
    for ax, score, name in zip(axes, scores, titles):
        draw_pianoroll(ax, score)
        low, high = ax.get_ylim()
        lows.append(low)
        highs.append(high)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("")
        ax.tick_params(labelsize=7)
    for i, ax in enumerate(axes):
        ax.set_ylim(min(lows), max(highs))
        if i % cols:
            ax.set_ylabel("")
            ax.set_yticklabels([])
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        fig.savefig(tmp, format="png", dpi=dpi)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
