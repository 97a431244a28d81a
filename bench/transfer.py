"""Transfer learning (issue 13): a shipped model fine-tuned on a small collection against the same model trained
from scratch on it for the same minutes, on two collections neither model saw:

    python bench/transfer.py --minutes 3 --json out/transfer.json --png docs/transfer.png

  palestrina   the first 60 Palestrina pieces of the music21 corpus (`--corpus palestrina --limit 60`), from the
               chorale model (four voices: the first four parts of each piece)
  fife         the 56 tunes of the American fife book in the music21 corpus (miscFolk/americanfifeopus.abc),
               written out as a folder of MIDI files as a user's would be (`--midi-dir`), from the folk model

Each run is `tunesmith train --from BASE ... --minutes M` (and `--scratch`): the same architecture, data, held-out
pieces and wall-clock budget; early stopping on the validation pieces. Reported: the validation NLL per token along
each run, and the test NLL of each run's best model (test pieces: never used to stop or tune), beside the base
model's own NLL on the collection before any fine-tuning.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from machine import cpu_name  # noqa: E402

COLLECTIONS = {"palestrina": ("chorales", {"corpus": "palestrina", "limit": 60}),
               "fife": ("folk", {"midi_dir": None})}


def fife_folder(out: Path) -> Path:
    """The American fife book as one MIDI file a tune (what a user's folder would hold)."""
    from tunesmith.data.corpora import music21_corpus_root, split_abc
    from tunesmith.io import read, write

    folder = out / "americanfife-midi"
    if folder.is_dir() and any(folder.glob("*.mid")):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    text = (music21_corpus_root() / "miscFolk" / "americanfifeopus.abc").read_text(encoding="latin-1")
    with tempfile.TemporaryDirectory() as tmp:
        for i, tune in enumerate(split_abc(text)):
            path = Path(tmp) / f"tune{i:03d}.abc"
            path.write_text(tune)
            try:
                write(read(path), folder / f"tune{i:03d}.mid")
            except Exception as e:  # a tune the reader cannot take is left out, as prepare would
                print(f"skipped tune {i}: {type(e).__name__}: {e}")
    return folder


def curve(folder: Path) -> list[tuple[int, float]]:
    with open(folder / "metrics.csv") as f:
        return [(int(s), float(v)) for s, m, v in list(csv.reader(f))[1:] if m == "valid/nll"]


def test_nll(checkpoint: Path) -> float:
    from tunesmith.data.arrays import TokenArrays
    from tunesmith.models.checkpoint import load_model
    from tunesmith.training.data import evaluate

    model, _, config = load_model(checkpoint)
    arrays = TokenArrays.load(config["data"]["folder"])
    return evaluate(model, arrays.split("test"), config["run"]["train"]["block_size"], 16)


def main(argv=None) -> int:
    from tunesmith.training.transfer import finetune

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=3.0)
    p.add_argument("--out", default="runs/transfer")
    p.add_argument("--only", choices=list(COLLECTIONS))
    p.add_argument("--json")
    p.add_argument("--png")
    args = p.parse_args(argv)
    out = Path(args.out)
    results = json.loads(Path(args.json).read_text())["results"] if args.json and Path(args.json).is_file() else {}
    for name, (base, source) in COLLECTIONS.items():
        if args.only and name != args.only:
            continue
        if "midi_dir" in source:
            source = {"midi_dir": fife_folder(out), "name": "user-americanfife"}
        row = {"base": base}
        for mode in ("finetuned", "scratch"):
            run = out / f"{name}-{mode}"
            r = finetune(base, out=run, minutes=args.minutes, scratch=mode == "scratch", **source)
            row[mode] = {"best_valid_nll": round(r.best_valid_nll, 4), "test_nll": round(test_nll(run / "best"), 4),
                         "steps": r.step, "stopped_early": r.stopped_early, "curve": curve(run),
                         "unigram_nll": round(r.unigram_nll, 4)}
            print(name, mode, json.dumps({k: v for k, v in row[mode].items() if k != "curve"}))
        row["base_zero_shot_test_nll"] = round(zero_shot(base, out / f"{name}-finetuned" / "best"), 4)
        results[name] = row
    meta = {"date": datetime.date.today().isoformat(), "cpu": cpu_name(), "command": " ".join(sys.argv),
            "minutes": args.minutes}
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "results": results}, indent=1))
    if args.png:
        plot(results, Path(args.png), args.minutes)
    return 0


def zero_shot(base: str, tuned: Path) -> float:
    """The base model's test NLL on the collection, before any fine-tuning."""
    from tunesmith.data.arrays import TokenArrays
    from tunesmith.models.checkpoint import find, load_model, read_config
    from tunesmith.training.data import evaluate

    model, _, config = load_model(find(base))
    arrays = TokenArrays.load(read_config(tuned)["data"]["folder"])
    return evaluate(model, arrays.split("test"), config["run"]["train"]["block_size"], 16)


def plot(results: dict, path: Path, minutes: float) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.2 * len(results), 3.6), dpi=100)
    for i, (name, row) in enumerate(results.items()):
        ax = fig.add_subplot(1, len(results), i + 1)
        for mode, style in (("finetuned", "o-"), ("scratch", "s--")):
            pts = row[mode]["curve"]
            ax.plot([s for s, _ in pts], [v for _, v in pts], style,
                    label=f"{'fine-tuned from ' + row['base'] if mode == 'finetuned' else 'from scratch'} "
                          f"(test {row[mode]['test_nll']:.3f})")
        ax.axhline(row["base_zero_shot_test_nll"], color="0.5", linestyle=":", label=f"{row['base']} before "
                   f"fine-tuning (test {row['base_zero_shot_test_nll']:.3f})")
        ax.set_title(f"{name}: held-out NLL, at most {minutes:g} minutes each", fontsize=10)
        ax.set_xlabel("training steps (one model, one speed: steps are time)")
        ax.set_ylabel("validation NLL (nats/token)")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path)


if __name__ == "__main__":
    sys.exit(main())
