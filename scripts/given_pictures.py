"""Pictures of issue 12's jobs in docs/given/, each a score engraved as the jobs write it (SVG -> PNG by
rsvg-convert) and a piano roll:

    python scripts/given_pictures.py        # the shipped models each job uses by default

- harmonized.png / harmonized-roll.png: an O'Neill tune (music21's corpus, ABC) harmonized as a chorale
- restyled.png / restyled-roll.png: a Bach chorale melody (valid split) restyled as an Irish jig with chords
- infilled.png / infilled-roll.png: bars 3-4 of a Bach chorale (valid split) written again in every voice; the
  roll shades the span and draws Bach's own notes there faded under the new ones
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from tunesmith.data.cache import Corpus, corpus_dir
from tunesmith.data.corpora import music21_corpus_root, split_abc
from tunesmith.generation.given_jobs import harmonize_files, infill_files, restyle_files
from tunesmith.generation.request import Request
from tunesmith.io import read, write

DOCS = Path(__file__).resolve().parent.parent / "docs" / "given"


def png(svg: Path, out: Path, width: int = 1400) -> None:
    subprocess.run(["rsvg-convert", "-b", "white", "-w", str(width), str(svg), "-o", str(out)], check=True)


def chorale(n: int):
    c = Corpus.load(corpus_dir("chorales"))
    idx = [i for i in c.indices("valid") if sum(1 for t in c.score(i).tracks if len(t)) == 4]
    return c.score(idx[n]), c.records[idx[n]]["id"]


def infill_roll(before, after, span, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tunesmith.render.pianoroll import draw_pianoroll

    fig, ax = plt.subplots(figsize=(12, 4.5))
    ax.axvspan(span[0], span[1], color="#ffe8a0", zorder=0.5)  # x in ticks, over the background stripes
    draw_pianoroll(ax, before, alpha=0.25)
    draw_pianoroll(ax, after)
    ax.set_title("Bars 3-4 written again (shaded; Bach's own notes faded beneath)")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main() -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        abc = split_abc((music21_corpus_root() / "oneills1850" / "0001-0050.abc").read_text())[2]
        (tmp / "tune.abc").write_text(abc)
        r = harmonize_files("default", tmp / "tune.abc", Request(seed=1), tmp / "h", formats=("svg", "png"))
        png(Path(r["files"]["svg"]), DOCS / "harmonized.png")
        Path(r["files"]["png"]).replace(DOCS / "harmonized-roll.png")

        score, pid = chorale(3)
        write(score.replace(tracks=score.tracks[:1]), tmp / "melody.mid")
        r = restyle_files(tmp / "melody.mid", "irish", Request(seed=0), tmp / "r", formats=("svg", "png"))
        png(Path(r["files"]["svg"]), DOCS / "restyled.png")
        Path(r["files"]["png"]).replace(DOCS / "restyled-roll.png")
        print(f"restyled {pid}: melody kept {r['melody_kept']:.0%}")

        score, pid = chorale(5)
        write(score, tmp / "chorale.musicxml")
        r = infill_files("default", tmp / "chorale.musicxml", "3-4", Request(seed=0), tmp / "i",
                         formats=("svg", "png", "mid"))
        png(Path(r["files"]["svg"]), DOCS / "infilled.png")
        infill_roll(read(tmp / "chorale.musicxml"), read(r["files"]["mid"]), r["span"]["ticks"],
                    DOCS / "infilled-roll.png")
        print(f"infilled {pid} bars 3-4")
    print(f"pictures in {DOCS}")


if __name__ == "__main__":
    main()
