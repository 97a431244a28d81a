"""`tunesmith tune-rl --model folk --minutes 10`: fine-tune a model with music-theory rewards (RL Tuner)."""

from __future__ import annotations


def register(sub) -> None:
    import argparse

    p = sub.add_parser("tune-rl", help="fine-tune a model with music-theory rewards (RL Tuner)",
                       description="Policy-gradient fine-tuning of a trained model: rollouts scored by music-theory "
                                   "rules (key, tonic start and end, no excessive repetition, leaps resolved, "
                                   "motifs repeated, no long runs of leaps, no parallel fifths or octaves) minus a "
                                   "KL penalty to the original. The tuned model lands in OUT/model and composes "
                                   "like any model.\n\nexamples:\n"
                                   "  tunesmith tune-rl --model folk --minutes 10\n"
                                   "  tunesmith tune-rl --model folk --rewards key=1,tonic_end=2,motif=1 --kl 0.1\n"
                                   "  tunesmith compose --model runs/folk-rl/model --style irish",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="folk", help="a shipped model's name or a checkpoint folder (default folk)")
    p.add_argument("--minutes", type=float, default=10.0, help="training minutes (default 10)")
    p.add_argument("--max-steps", type=int, default=100_000, help="stop after this many updates (a run that "
                   "ends by steps is reproduced exactly; by minutes, it depends on the machine)")
    p.add_argument("--rewards", help="RULE=WEIGHT,... replacing the defaults (rules left out weigh 0): key, "
                   "tonic_start, tonic_end, repetition, leaps_resolved, motif, leap_runs, parallels")
    p.add_argument("--kl", type=float, help="reward units per nat of KL to the original (default 0.5)")
    p.add_argument("--lr", type=float, help="learning rate (default 1e-4)")
    p.add_argument("--steps", type=int, help="grid steps a rollout writes (default 64)")
    p.add_argument("--batch-size", type=int, help="rollouts per update (default 16)")
    p.add_argument("--data", help="token arrays to take prompts and held-out pieces from (default: the model's)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="runs/folk-rl", help="run folder (default runs/folk-rl)")
    p.add_argument("--resume", metavar="CKPT", help="continue from a checkpoint of this run")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=run)


def run(args) -> int:
    from tunesmith.training.rl import parse_rewards, tune_rl

    settings = {k: v for k, v in (("kl", args.kl), ("lr", args.lr), ("steps", args.steps),
                                  ("batch_size", args.batch_size)) if v is not None}
    rewards = parse_rewards(args.rewards) if args.rewards is not None else None
    resume = None
    if args.resume:
        from tunesmith.models.checkpoint import latest

        resume = latest(args.resume)
    r, model = tune_rl(args.model, args.minutes, args.out, rewards, args.data, args.seed, args.max_steps,
                       resume=resume, progress=not args.no_progress, **settings)
    print(f"step {r.step}: held-out NLL {r.valid_nll:.4f} nats/token (the original's is in its card)")
    print(f"tuned model in {model} (tunesmith compose --model {model})")
    return 0
