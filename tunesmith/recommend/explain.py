"""Recommendations in words: "because you kept three jigs in D major"."""

from __future__ import annotations

NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
STYLE_NAMES = {"bach": "Bach chorale", "irish": "Irish tune", "scottish": "Scottish air", "american":
               "American fiddle tune", "european": "European folk song", "chinese": "Chinese folk song",
               "palestrina": "Palestrina mass section", "folk": "folk tune"}  # one of each; `plural` makes more
PLURALS = {"polka or march": "polkas and marches", "Bach chorale": "Bach chorales"}


def number(n: int) -> str:
    return NUMBERS[n] if 0 <= n < len(NUMBERS) else str(n)


def plural(kind: str, count: int = 2) -> str:
    """'jig' -> 'jigs' (unless count is 1)."""
    if count == 1:
        return kind
    return PLURALS.get(kind) or (kind.replace(" in ", "s in ", 1) if " in " in kind else kind + "s")


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
    """'because you kept three jigs in D major': `what` names one item ('jig in D major')."""
    how = verb(kinds)
    if how == "rated highly":
        return f"because you rated {number(count)} {plural(what, count)} highly"
    return f"because you {how} {number(count)} {plural(what, count)}"


def style_name(style: str | None) -> str:
    """One piece of the style: 'Irish tune'."""
    return STYLE_NAMES.get(style or "", f"{style} piece")


def quoted(title: str) -> str:
    return f"\u201c{title}\u201d"
