"""The attention picture in docs/: what the shipped folk model attends to in an Irish tune with repeats.

    python scripts/attention_picture.py      # needs the O'Neill's corpus prepared (tunesmith data prepare)

"The Bold Soldier Boy" (O'Neill's, oneills/0051-0100/28: a pickup and 32 bars of 2/4 whose opening bars come
back) as `tunesmith attention FILE --model folk --out docs/` draws it: docs/attention.png (averaged over layers
and heads, with the reading) and docs/attention-heads.png (each layer and head). It was chosen among the first
120 tunes of the corpus as one where the reading finds bars that draw on bars whose melody they repeat; in
most tunes the folk model draws on the bars just before and on the first bar, as the reading then says.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from tunesmith.assistant.attention_job import attention_job, report_text
from tunesmith.data.cache import Corpus, corpus_dir
from tunesmith.io import write

DOCS = Path(__file__).resolve().parent.parent / "docs"
PIECE = "oneills/0051-0100/28"


def main() -> None:
    corpus = Corpus.load(corpus_dir("oneills"))
    index = next(i for i, r in enumerate(corpus.records) if r["id"] == PIECE)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bold-soldier-boy.musicxml"
        write(corpus.score(index), path)
        report = attention_job(path, "folk", tmp, ("png",))
        shutil.copy(report.files["png"], DOCS / "attention.png")
        shutil.copy(report.files["heads"], DOCS / "attention-heads.png")
    print(report_text(report), end="")


if __name__ == "__main__":
    main()
