"""The assistant's pictures in docs/: an analysed chorale, and a page of the knowledge tree.

    python scripts/docs_pictures.py     # needs rsvg-convert (Debian: apt-get install librsvg2-bin)

- docs/assistant-analysis.png: Bach's chorale BWV 153.1 from music21's corpus as `tunesmith analyze
  --format svg` engraves it (Roman numerals under the bass, keys at changes), with the parallel fifths the
  analyser finds in bar 6 (tenor and bass, F#3-B2 to B3-E3) marked in red; only the parallel rules are
  checked here, so that the one fault stands out.
- docs/assistant-knowledge.png: the knowledge tree's outline beside the page `tunesmith explain "parallel
  fifths"` prints.
"""

from __future__ import annotations

import subprocess
import tempfile
import textwrap
from pathlib import Path
from xml.sax.saxutils import escape

import music21

from tunesmith.assistant.analysis import analyze_score
from tunesmith.assistant.annotate import write_annotated_svg
from tunesmith.assistant.explain import explain, tree_text
from tunesmith.assistant.knowledge import tree
from tunesmith.io import read
from tunesmith.io.measures import read_measures

DOCS = Path(__file__).resolve().parent.parent / "docs"
CHORALE = Path(music21.__file__).parent / "corpus" / "bach" / "bwv153.1.mxl"


def png(svg: Path, out: Path, width: int) -> None:
    subprocess.run(["rsvg-convert", "-b", "white", "-w", str(width), str(svg), "-o", str(out)], check=True)


def analysis_picture(out: Path) -> None:
    score = read(CHORALE)
    analysis = analyze_score(score, read_measures(CHORALE, score), rules=("parallel_fifths", "parallel_octaves"))
    with tempfile.TemporaryDirectory() as tmp:
        svg = write_annotated_svg(analysis, Path(tmp) / "chorale.svg")
        png(svg, out, 1400)


def knowledge_picture(out: Path) -> None:
    left = tree_text(tree()).splitlines()
    wrapped = []
    for i, paragraph in enumerate(explain("parallel fifths").split("\n\n")):  # re-flowed to the column
        for line in [paragraph] if i == 1 else paragraph.split("\n"):  # the definition is one paragraph
            wrapped += textwrap.wrap(line.replace("\n", " "), 78) or [""]
        wrapped.append("")
    size, gap = 13, 16
    height = gap * (max(len(left), len(wrapped)) + 4)
    texts = [f'<text x="24" y="30" font-size="18" font-weight="bold">The knowledge tree ({len(tree().nodes)} '
             f'nodes)</text>',
             '<text x="680" y="30" font-size="18" font-weight="bold">tunesmith explain "parallel fifths"</text>']
    for i, line in enumerate(left):
        bold = ' font-weight="bold"' if line.startswith("  ") and not line.startswith("    ") else ""
        colour = ' fill="#d0021b"' if "parallel-fifths" in line else ""
        texts.append(f'<text x="24" y="{60 + gap * i}" font-size="{size}"{bold}{colour} xml:space="preserve">'
                     f'{escape(line)}</text>')
    for i, line in enumerate(wrapped):
        texts.append(f'<text x="680" y="{60 + gap * i}" font-size="{size}" xml:space="preserve">{escape(line)}</text>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="1400" height="{height}" font-family="DejaVu Sans Mono">'
           + "".join(texts) + "</svg>")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "knowledge.svg"
        path.write_text(svg, encoding="utf-8")
        png(path, out, 1400)


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    analysis_picture(DOCS / "assistant-analysis.png")
    knowledge_picture(DOCS / "assistant-knowledge.png")
    print("wrote docs/assistant-analysis.png and docs/assistant-knowledge.png")


if __name__ == "__main__":
    main()
