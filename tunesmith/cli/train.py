"""`tunesmith train --preset NAME [--set key=value ...]`: train a model of the registry on training arrays."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "train", help="train a model from a preset (TOML) with type-checked overrides",
        description="Train a sequence model on tokenized arrays. Scale out with the same command:\n"
                    "  torchrun --nproc_per_node 4 -m tunesmith train --preset chorales-transformer\n\n"
                    "examples:\n"
                    "  tunesmith train --preset chorales-lstm\n"
                    "  tunesmith train --preset folk-transformer --set train.max_steps=500 --set model.n_layer=2\n"
                    "  tunesmith train --resume runs/chorales-lstm          continue from its last checkpoint\n"
                    "  tunesmith train --from chorales --midi-dir ~/my-midi --minutes 5   fine-tune a shipped model\n"
                    "  tunesmith train --from chorales --corpus palestrina --limit 40 --scratch   from scratch",
        formatter_class=__import__("argparse").RawDescriptionHelpFormatter)
    p.add_argument("--preset", help="preset name (see --list) or path to a .toml file")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a preset value, e.g. train.lr=3e-4 or model.cell=gru (repeatable)")
    p.add_argument("--data", help="folder of training arrays (overrides the preset's data)")
    p.add_argument("--out", help="run folder for checkpoints and metrics (default: runs/<preset>)")
    p.add_argument("--resume", metavar="CKPT", help="checkpoint folder, or a run folder (its latest checkpoint)")
    p.add_argument("--list", action="store_true", help="list the presets and exit")
    t = p.add_argument_group("fine-tuning (transfer learning)")
    t.add_argument("--from", dest="base", metavar="MODEL", help="start from a shipped model or a checkpoint, in its "
                   "representation and with its run config (a fine-tuning schedule)")
    t.add_argument("--midi-dir", help="a folder of your MIDI files to fine-tune on (searched recursively)")
    t.add_argument("--corpus", help="or a built-in corpus to fine-tune on (e.g. palestrina)")
    t.add_argument("--name", help="cache name for --midi-dir (default: user-<folder name>)")
    t.add_argument("--limit", type=int, help="only the first N pieces of --corpus")
    t.add_argument("--minutes", type=float, default=5.0, help="training minutes (default 5)")
    t.add_argument("--scratch", action="store_true", help="train the same model from random weights instead")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from tunesmith.errors import ConfigError
    from tunesmith.training.config import RunConfig, load_preset, presets

    if args.list:
        print("\n".join(presets()))
        return 0
    if args.base:
        return run_finetune(args)
    if args.midi_dir or args.corpus:
        raise ConfigError("--midi-dir and --corpus fine-tune a model: give --from MODEL too")
    overrides = list(args.overrides) + ([f"data={_toml_string(args.data)}"] if args.data else [])
    resume = out = None
    if args.resume:
        from tunesmith.models.checkpoint import latest, read_config

        resume = latest(args.resume)
        run_config = (load_preset(args.preset, overrides) if args.preset
                      else RunConfig.from_dict(read_config(resume)["run"], overrides))
        out = resume.parent.parent if resume.parent.name == "checkpoints" else resume.parent
    elif args.preset:
        run_config = load_preset(args.preset, overrides)
    else:
        raise ConfigError("give --preset NAME (see `tunesmith train --list`) or --resume CKPT")
    out = Path(args.out) if args.out else out or Path("runs") / Path(args.preset).stem

    from tunesmith.training.trainer import train

    r = train(run_config, out, resume=resume, progress=not args.no_progress)
    if int(__import__("os").environ.get("RANK", 0)) == 0:
        print(f"step {r.step}: valid NLL {r.valid_nll:.4f} (best {r.best_valid_nll:.4f}), unigram baseline "
              f"{r.unigram_nll:.4f} nats/token{', stopped early' if r.stopped_early else ''}")
        print(f"checkpoints in {r.out} (best model: {r.out / 'best'})")
    return 0


def run_finetune(args) -> int:
    from tunesmith.training.transfer import finetune

    r = finetune(args.base, args.midi_dir, args.corpus, args.out, args.minutes, args.name, args.limit,
                 args.scratch, args.overrides, progress=not args.no_progress)
    print(f"step {r.step}: held-out NLL {r.valid_nll:.4f} (best {r.best_valid_nll:.4f}), unigram baseline "
          f"{r.unigram_nll:.4f} nats/token{', stopped early' if r.stopped_early else ''}")
    print(f"best model in {r.out / 'best'} (tunesmith compose --model {r.out / 'best'})")
    return 0


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
