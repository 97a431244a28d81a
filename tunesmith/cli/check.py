"""`tunesmith check EXERCISE --rules chorale`: each part-writing fault explained, with a fix."""

from __future__ import annotations

EPILOG = """examples:
  tunesmith check exercise.musicxml                      four-part chorale rules
  tunesmith check counterpoint.mid --rules species       first-species counterpoint, two voices
  tunesmith check exercise.abc --out checked/            also the exercise with the faults in colour
"""


def register(sub) -> None:
    import argparse

    p = sub.add_parser("check", help="check a part-writing exercise: each fault with bar, voices, why and a fix",
                       description="Check a student's part-writing (MusicXML, MIDI, ABC or JSON, one voice per "
                                   "track) against a rule set: each fault with bar, beat, voices, the rule, a "
                                   "plain explanation linked to the knowledge tree, and a concrete fix.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="EXERCISE")
    p.add_argument("--rules", default="chorale", help="chorale (default), species or parallels")
    p.add_argument("--out", metavar="DIR", help="also write EXERCISE-checked.musicxml and .svg into DIR")
    p.set_defaults(func=run)


def run(args) -> int:
    from tunesmith.assistant.check import check, feedback_text

    print(feedback_text(check(args.file, args.rules, args.out)), end="")
    return 0
