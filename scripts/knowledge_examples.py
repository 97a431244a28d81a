"""Find examples for the knowledge tree in the built-in corpora and write them into the node files.

    python scripts/knowledge_examples.py            # about a minute: all chorales, a sample of the others
    python scripts/knowledge_examples.py --check    # only report what would change

Every piece read (all Bach chorales; the first pieces of the folk corpora and of Palestrina, see SAMPLE) is
analysed with `tunesmith.assistant.analysis.analyze_score`; each finding gives the match keys of
`tunesmith.assistant.explain` (a fault, a cadence, a non-chord tone, a kind of chord, a progression, a key
change, a meter) plus "corpus:NAME". A node's `examples` line becomes the first EXAMPLES findings of its
match keys, one per piece, in corpus order: piece id, bar (as the score numbers it) and beat. The pieces are
read from music21's corpus directly, so no prepared cache is needed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from tunesmith.assistant.analysis import analyze_score
from tunesmith.assistant.explain import numeral_keys, progression_keys
from tunesmith.assistant.knowledge import NODES, parse_node
from tunesmith.data.corpora import CORPORA, work_units
from tunesmith.errors import TunesmithError
from tunesmith.io import read
from tunesmith.io.abc import parse_abc
from tunesmith.io.measures import read_measures
from tunesmith.theory.faults import RULES, SPECIES_RULES
from tunesmith.theory.meter import is_compound

EXAMPLES = 3
SAMPLE = {"chorales": None, "essen": 60, "oneills": 40, "ryans": 40, "airds": 40, "palestrina": 6}
CHINESE = 12  # Essen's han* tunes, sampled apart


def findings(piece: str, analysis) -> list[tuple[str, dict]]:
    """(match key, example) of everything the analysis found, in time order."""
    def at(tick: int, key: str) -> tuple[str, dict]:
        bar, beat = analysis.where(tick)
        return key, {"piece": piece, "bar": bar, "beat": round(beat, 2)}

    out = [at(f.tick, f"fault:{f.rule}") for f in analysis.faults]
    out += [at(c.tick, f"cadence:{c.kind}") for c in analysis.cadences]
    out += [at(t.tick, f"nct:{t.kind}") for t in analysis.non_chord_tones]
    spans = [h for h in analysis.spans if h.numeral is not None]
    for h in spans:
        out += [at(h.tick, k) for k in numeral_keys(h.numeral, h.key.mode)]
    for a, b in zip(spans, spans[1:]):
        if (a.key.tonic, a.key.mode) == (b.key.tonic, b.key.mode):
            out += [at(b.tick, k) for k in progression_keys([a.numeral.figure, b.numeral.figure])]
        else:
            out.append(at(b.tick, "key:modulation"))
    if spans:
        out.append(at(spans[0].tick, f"key:{spans[0].key.mode}"))
    if analysis.phrase_ends.size:
        out.append(at(int(analysis.phrase_ends[0]), "phrase:end"))
    if analysis.measures.numbers[0] == "0":
        out.append(at(0, "meter:pickup"))
    if any(is_compound(s) for s in analysis.score.time_signatures):
        out.append(at(0, "meter:compound"))
    return sorted(out, key=lambda x: (float(x[1]["bar"]) if x[1]["bar"].isdigit() else 1e9, x[1]["beat"]))


def pieces():
    """(corpus key, piece id, Score, measure map) of every piece sampled (see the module doc)."""
    for name, limit in SAMPLE.items():
        units = work_units(CORPORA[name])
        if name == "essen":
            han = [u for u in units if Path(u[1]).name.startswith("han")][:CHINESE]
            units = [u for u in units if not Path(u[1]).name.startswith("han")][:limit] + han
        else:
            units = units[:limit]
        for piece, path, text in units:
            try:
                score = parse_abc(text)[0] if text else humdrum(path) if path.endswith(".krn") else read(path)
                measures = read_measures(path, score) if not text else None
                corpus = "chinese" if Path(path).name.startswith("han") else name
                yield corpus, piece, score, measures
            except TunesmithError as e:
                print(f"skipped {piece}: {e}", file=sys.stderr)


def humdrum(path: str):
    """A Humdrum file of the corpus (Palestrina) through music21, as `tunesmith data prepare` reads it."""
    from music21 import converter

    from tunesmith.io.music21 import from_music21

    return from_music21(converter.parse(path, format="humdrum", forceSource=True, storePickle=False))


def collect() -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = defaultdict(list)
    for corpus, piece, score, measures in pieces():
        # Palestrina's outer voices are also judged by the species rules: his dissonances and leaps
        rules = RULES + SPECIES_RULES if corpus == "palestrina" else RULES
        try:
            analysis = analyze_score(score, measures, rules)
        except TunesmithError:
            continue
        items = [(f"corpus:{corpus}", {"piece": piece, "bar": analysis.measures.numbers[0]})]
        items += findings(piece, analysis)
        for key, example in items:
            have = found[key]
            if len(have) < EXAMPLES and all(e["piece"] != piece for e in have):
                have.append(example)
    return found


def toml_examples(examples: list[dict]) -> str:
    inner = ", ".join("{" + ", ".join(f"{k} = {json.dumps(v)}" for k, v in e.items()) + "}" for e in examples)
    return f"examples = [{inner}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report what would change, write nothing")
    args = parser.parse_args()
    found = collect()
    changed = 0
    for f in sorted(NODES.rglob("*.md")):
        text = f.read_text(encoding="utf-8")
        node = parse_node(f.stem, text)
        if not node.matches:
            continue
        examples = []
        for key in node.matches:
            for e in found.get(key, []):
                if len(examples) < EXAMPLES and all(x["piece"] != e["piece"] for x in examples):
                    examples.append(e)
        new = re.sub(r"^examples = .*$", toml_examples(examples), text, count=1, flags=re.M)
        if new != text:
            changed += 1
            if not args.check:
                f.write_text(new, encoding="utf-8")
        if not examples:
            print(f"no example for {f.relative_to(NODES)} ({', '.join(node.matches)})")
    print(f"{changed} node files {'would change' if args.check else 'updated'}")


if __name__ == "__main__":
    main()
