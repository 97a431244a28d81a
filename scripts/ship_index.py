"""Build the originality index of each shipped model: every melody of the train split of the corpora it was
trained on (as its config.json names them), written to tunesmith/shipped/<name>/originality/.

    python scripts/ship_index.py              every shipped model
    python scripts/ship_index.py folk         one

The corpora must be prepared (`tunesmith data prepare --corpus NAME`). Each model card gets a section
that says so; scripts/ship_models.py calls this after shipping a model, since shipping replaces its folder.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "tunesmith" / "shipped"


SECTION = "\n## Originality index\n"


def card_section(folder: Path, source: str, pieces: int) -> str:
    corpus = source.split(":")[0]
    return f"""{SECTION}
`originality/`, beside this card, indexes the melodies of the {pieces:,} pieces of `{source}` that the model learned
from: `tunesmith originality FILE --model {folder.name}` and the report of every piece the model composes check
against it (the longest run of notes shared with a training piece, transposition-invariant, and the share of
8-grams found there). Rebuild it with `python scripts/ship_index.py {folder.name}` after
`tunesmith data prepare --corpus {corpus}`.
"""


def ship_index(folder: Path) -> Path:
    """Index the train split of the model's training corpora into `folder`/originality and name it in the
    model card; returns the index folder."""
    from tunesmith.data.cache import Corpus, corpus_dir
    from tunesmith.evaluation.corpus_index import FOLDER, index_corpora
    from tunesmith.models.checkpoint import CARD, read_config

    names = read_config(folder)["data"]["source"]["corpora"]
    t0 = time.perf_counter()
    index = index_corpora([Corpus.load(corpus_dir(n)) for n in names])
    out = index.save(Path(folder) / FOLDER)
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.2f} MB" for p in sorted(out.iterdir()))
    print(f"{folder.name}: {index.source}, {len(index)} pieces, {len(index.keys):,} seeds in "
          f"{time.perf_counter() - t0:.1f} s; {sizes}")
    card = folder / CARD
    if card.is_file():  # the section goes last, replacing an older one
        text = card.read_text().split(SECTION)[0].rstrip("\n") + "\n"
        card.write_text(text + card_section(folder, index.source, len(index)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", help="shipped model names (default: all)")
    args = ap.parse_args()
    folders = [SHIPPED / m for m in args.models] or sorted(p for p in SHIPPED.iterdir()
                                                           if (p / "config.json").is_file())
    for folder in folders:
        ship_index(folder)


if __name__ == "__main__":
    main()
