"""The `tunesmith` command: thin subcommands that parse, call one library function, and print.

Each subcommand lives in its own module with `register(subparsers)`; modules import heavy libraries only
inside their handlers, so `tunesmith --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from tunesmith.errors import TunesmithError

# subcommand modules, in the order `--help` lists them; compose registers `continue` too, serve
# `listening-report`, vary `sample`
COMMANDS = ("compose", "evaluate", "originality", "info", "data", "train", "models", "bench", "serve", "analyze",
            "check", "explain", "attention", "motif", "suggest", "harmonize", "infill", "accompany", "restyle",
            "interpolate", "vary", "tune_rl")

EPILOG = """examples:
  tunesmith data prepare --corpus chorales     parse a built-in corpus and cache it
  tunesmith info song.mid                      tracks, notes, key, meter and tempo of a file
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tunesmith",
        description="AI-assisted composition on symbolic music (MIDI, MusicXML, ABC).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"tunesmith.cli.{name}").register(sub)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args) or 0
    except TunesmithError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`tunesmith compose --stream | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so that the exit flush cannot fail
        return 0
