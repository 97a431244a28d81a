"""Settings to try: compose requests drawn from what a user likes, each with its reason.

From the user's liked items (corpus pieces and their own), weighted as in tunesmith.recommend.model: the
styles they like most, each with its most liked tune type (metre), key and tempo; the sampling temperature
of their best-rated composed pieces. A style maps to the shipped model that writes it (Bach chorales: the
chorale model; folk styles: the folk model with that style). Before any signal: two good places to start.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from tunesmith.recommend import explain as words

FOLK_STYLES = ("irish", "scottish", "american", "european", "chinese")
METERS = ("2/2", "3/2", "2/4", "3/4", "4/4", "6/8", "9/8", "12/8", "3/8", "6/4")  # meters both models write


def _model_of(style: str | None) -> str | None:
    return "chorales" if style == "bach" else "folk" if style in FOLK_STYLES else None


def suggest(liked: list[tuple[dict, float, dict | None, set]], n: int = 3) -> list[dict]:
    """Up to `n` settings: [{request, model, because}]. `liked`: (tags, weight, compose settings of the item
    or None, signal kinds) per item with a preference weight (positive ones are used)."""
    liked = [x for x in liked if x[1] > 0]
    if not liked:
        jig = {"style": "irish", "meter": "6/8", "key": "D major", "bars": 8}
        return [
            {"model": "chorales", "request": {"bars": 8}, "label": "Four-part chorale",
             "because": "the studio's default: a good place to start"},
            {"model": "folk", "request": jig, "label": label(jig, "irish"),
             "because": "jigs are the most common tunes in O'Neill's collection; D major is their most common key"},
        ]
    by_style: dict[str, list] = defaultdict(list)
    for item in liked:
        style = item[0].get("style")
        if _model_of(style):
            by_style[style].append(item)
    temps = [s["temperature"] for _, w, s, _ in liked if s and isinstance(s.get("temperature"), int | float)]
    out = []
    for style, items in sorted(by_style.items(), key=lambda kv: -sum(w for _, w, _, _ in kv[1]))[:n]:
        meter = _top(items, "meter", METERS)
        key = _top([x for x in items if x[0].get("meter") == meter] or items, "key")
        request = {"bars": 8}
        if style != "bach":
            request["style"] = style
        if meter:
            request["meter"] = meter
        if key:
            request["key"] = key
        tempos = sorted(s["tempo"] for _, _, s, _ in items if s and s.get("tempo"))
        if tempos:
            request["tempo"] = tempos[len(tempos) // 2]
        if temps:
            request["temperature"] = round(sum(temps) / len(temps), 2)
        same = [x for x in items if x[0].get("meter") == meter and x[0].get("key") == key] if meter and key else []
        kind = items[0][0].get("kind") if same and all(x[0].get("kind") == same[0][0].get("kind") for x in same) \
            else None
        kinds = set().union(*(x[3] for x in (same or items)))
        if len(same) >= 2 and kind:
            because = words.because(len(same), kinds, f"{kind} in {key}")
        else:
            because = words.because(len(items), kinds, words.style_name(style))
        out.append({"model": _model_of(style), "request": request, "because": because, "label": label(request, style)})
    return out


def label(request: dict, style: str | None) -> str:
    """'Irish jig, D major, 6/8' or 'Four-part chorale, G major, 4/4'."""
    from tunesmith.recommend.features import TUNE_TYPES

    head = "Four-part chorale" if style == "bach" else f"{words.style_name(style)}"
    if style != "bach" and request.get("meter") in TUNE_TYPES and not TUNE_TYPES[request["meter"]].startswith("tune"):
        head = f"{words.style_name(style).split()[0]} {TUNE_TYPES[request['meter']]}"
    parts = [head, request.get("key"), request.get("meter")]
    return ", ".join(p for p in parts if p)


def _top(items, field: str, allowed=None) -> str | None:
    counts = Counter()
    for tags, w, _, _ in items:
        value = tags.get(field)
        if value and (allowed is None or value in allowed):
            counts[value] += w
    return counts.most_common(1)[0][0] if counts else None
