"""Train and ship the conditional models of issue 12 (seq2seq with attention), each with its card:

    python scripts/ship_seq2seq.py harmonizer      # chorales: harmonize a melody, infill bars
    python scripts/ship_seq2seq.py folk-infill     # folk tunes: infill bars (and restyle to a folk style)
    python scripts/ship_seq2seq.py accompanist     # Nottingham lead sheets: chords under a melody
    python scripts/ship_seq2seq.py harmonizer --reuse    # ship runs/<preset>/ as trained by the same command

Each prepares its data, trains `tunesmith train --preset <preset>` into runs/<preset>/ and copies the best
checkpoint (weights and config, no training state) to tunesmith/shipped/<name>/ with a card that names the one
command reproducing it. The preset stops a run after train.max_minutes of training steps; the card records the
step it reached.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "tunesmith" / "shipped"
MODELS = {
    "harmonizer": {
        "preset": "chorales-seq2seq",
        "data": [["data", "prepare", "--corpus", "chorales"],
                 ["data", "tokenize", "--corpus", "chorales", "--representation", "voicegrid"],
                 ["data", "pairs", "--tokens", "chorales-voicegrid", "--tasks",
                  "harmonize:0.5,infill:0.35,infill-left:0.15"]],
        # the chorale Transformer's tuned settings (scripts/ship_models.py TUNED), the same for both ways of
        # harmonizing in bench/harmonize.py
        "compose": {"programs": [52, 52, 52, 52], "key_penalty": 0.5, "hold_penalty": 0.25, "top_p": 1.0,
                    "barline_penalty": 0.5},
        "does": "Writes chosen bars of a chorale again, all voices or some (`tunesmith infill`), and harmonizes a "
                "melody as a four-part chorale when asked (`tunesmith harmonize --model harmonizer`): at harmonizing "
                "it ties with the chorale Transformer kept to the soprano (Bach's lower voices: 0.468 nats/token against "
                "0.472) but writes more parallels and is slower, so `harmonize` uses the Transformer by default. Its "
                "source is the chorale's voice grid with the cells to write masked: the lower voices under a given "
                "soprano (50% of the training pairs), a span of 1 to 4 bars with the music on both sides (35%) or on "
                "the left only (15%).",
    },
    "folk-infill": {
        "preset": "folk-seq2seq",
        "data": [["data", "prepare", "--corpus", "folk"],
                 ["data", "tokenize", "--corpus", "folk", "--representation", "voicegrid", "--param", "voices=1",
                  "--transpose=-2:2"],
                 ["data", "pairs", "--tokens", "folk-voices1-voicegrid", "--tasks", "infill:0.75,infill-left:0.25"]],
        "compose": {"programs": [40], "key_penalty": 2.0, "hold_penalty": 0.25, "top_p": 0.95, "barline_penalty": 2.0},
        "does": "Writes chosen bars of a folk tune again so that they join both sides (`tunesmith infill` on a tune), "
                "and the notes between the beats when a melody is restyled as a folk tune (`tunesmith restyle --to "
                "irish`). Its source is the tune's voice grid with a span of 1 to 4 bars masked, the tune on both "
                "sides (75% of the training pairs) or on the left only (25%).",
    },
    "accompanist": {
        "preset": "accompany-seq2seq",
        "data": [[sys.executable, "-m", "tunesmith.data.nottingham", "pairs"]],
        "compose": {"programs": [40]},
        "does": "Chooses chord symbols under a melody (`tunesmith accompany`; the chords of `tunesmith restyle` to a "
                "folk style): one chord cell per eighth note (a chord of 12 roots x major, minor, dominant seventh, "
                "diminished, Hold or none), read from lead sheets derived from the Nottingham tunes' train split "
                "(tunesmith/data/nottingham/, transposed into every key). The bass and chords tracks are written "
                "from the symbols by rule (tunesmith/generation/accompany.py). `accompany` takes on each beat the chord "
                "most of 16 samples chose: Nottingham's own chord on 48% of its valid tunes' beats, against 34% for "
                "the chord covering most of the beat's melody.",
    },
}


def run(*args) -> None:
    cmd = list(args) if args[0] == sys.executable else [sys.executable, "-m", "tunesmith", *args]
    subprocess.run(cmd, check=True)


def card(name: str, spec: dict, config: dict, wall: float | None) -> str:
    m, t, data, metrics = config["model"], config["run"]["train"], config["data"], config["metrics"]
    fields = ", ".join(f"{k}={v}" for k, v in m["config"].items())
    steps = f"{config['step']} steps (the best validation) of a run of {config.get('trained_steps', config['step'])}"
    prep = "\n".join("    " + ("tunesmith " + " ".join(c) if c[0] != sys.executable else "python " + " ".join(c[1:]))
                     for c in spec["data"])
    took = f" in {wall / 60:.1f} minutes of wall clock" if wall else ""
    return f"""# {name}

- **model**: `seq2seq` (bidirectional LSTM encoder, LSTM decoder, rotary multi-head dot-product attention over the
  source), {config.get('params', 0):,} parameters; {fields}
- **representation**: `{config['tokenizer']['name']}` {json.dumps(config['tokenizer']['config'])},
  {len(config['vocab'])} tokens (the grid's, {'48 chords, ' if name == 'accompanist' else ''}and Mask, read in the
  source only)
- **data**: `{config['run']['data']}` ({json.dumps(data.get('task', {}))}), {data['tokens'].get('train', '?'):,}
  training tokens; source: {json.dumps(data.get('source', {}))[:300]}
- **training**: {steps}, batch {t['batch_size']} crops of {t['block_size']} tokens, lr {t['lr']:g}, at most
  {t['max_steps']:,} steps or {t['max_minutes']:g} minutes of training steps{took} (2-core CPU, {datetime.date.today()})
- **validation NLL**: {metrics['best_valid_nll']:.4f} nats per learned token of its validation pairs (unigram
  baseline {metrics['unigram_nll']:.4f})

## What it does

{textwrap.fill(spec['does'], 110)}

How it compares with the voice-grid Transformer doing the same job, and every figure of issue 12:
bench/RESULTS.md ("Harmonizing, infilling, accompanying, restyling").

## Reproduce

One command: `python scripts/ship_seq2seq.py {name}`. It runs:

{prep}
    tunesmith train --preset {spec['preset']} --out runs/{spec['preset']}

and ships runs/{spec['preset']}/best. The weights are safetensors, the rest JSON: load with
`tunesmith.generation.load.load("{name}")`.
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name", choices=sorted(MODELS))
    ap.add_argument("--reuse", action="store_true", help="ship runs/<preset>/ as trained, do not train again")
    args = ap.parse_args()
    spec = MODELS[args.name]
    out = ROOT / "runs" / spec["preset"]
    wall = None
    if not args.reuse:
        for cmd in spec["data"]:
            run(*cmd)
        shutil.rmtree(out, ignore_errors=True)
        t0 = time.perf_counter()
        run("train", "--preset", spec["preset"], "--out", f"runs/{spec['preset']}", "--no-progress")
        wall = time.perf_counter() - t0
    from tunesmith.models.checkpoint import CARD, CONFIG, ship

    dest = ship(out / "best", SHIPPED / args.name, args.name)
    config = json.loads((dest / CONFIG).read_text())
    last = json.loads(sorted((out / "checkpoints").glob("step-*"))[-1].joinpath(CONFIG).read_text())
    config["trained_steps"] = last["step"]  # how far the run went, beside the best checkpoint's step
    config["compose"] = spec["compose"]
    (dest / CONFIG).write_text(json.dumps(config, indent=1))
    (dest / CARD).write_text(card(args.name, spec, config, wall))
    print(f"shipped {dest}: {sum(p.stat().st_size for p in dest.iterdir()) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
