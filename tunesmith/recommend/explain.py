"""Recommendations in words: "because you kept three jigs in D major"."""

from __future__ import annotations

NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
STYLE_NAMES = {"bach": "Bach chorales", "irish": "Irish tunes", "scottish": "Scottish airs", "american":
               "American fiddle tunes", "european": "European folk songs", "chinese": "Chinese folk songs",
               "palestrina": "Palestrina mass sections", "folk": "folk tunes"}
PLURALS = {"jig": "jigs", "slip jig": "slip jigs", "slide": "slides", "reel": "reels", "hornpipe": "hornpipes",
           "polka or march": "polkas and marches", "chorale": "chorales", "tune in 4/4": "tunes in 4/4",
           "tune in 3/4": "tunes in 3/4", "tune in 3/8": "tunes in 3/8"}


def number(n: int) -> str:
    return NUMBERS[n] if 0 <= n < len(NUMBERS) else str(n)


def plural(kind: str) -> str:
    return PLURALS.get(kind, kind + "s")


def verb(kinds) -> str:
    """How the user showed they like these items: kept, rated highly, played, or (mixed) liked."""
    kinds = set(kinds)
    if kinds == {"kept"}:
        return "kept"
    if kinds == {"rating"}:
        return "rated highly"
    if kinds == {"play"}:
        return "played"
    return "liked"


def because(count: int, kinds, what: str) -> str:
    return f"because you {verb(kinds)} {number(count)} {what}"


def style_name(style: str | None) -> str:
    return STYLE_NAMES.get(style or "", f"{style} pieces")


def quoted(title: str) -> str:
    return f"\u201c{title}\u201d"
