"""The job behind `tunesmith check EXERCISE --rules chorale`: feedback on a student's part-writing.

Each fault of the rule set becomes one item: bar, beat, voices, the rule, a plain explanation with the path
of the knowledge-tree node that explains it (`tunesmith explain PATH`), and a concrete fix
(`assistant.fixes`). With an output folder the job also writes the exercise as annotated MusicXML and SVG.

Rule sets: "chorale" (four-part writing), "species" (first-species counterpoint, two voices), "parallels"
(parallel fifths and octaves only, for any music in parts). A rule set wants a number of voices; another
number is a clear one-line error, and parts that cross most of the time get a warning (the voice names
follow the tracks' average pitch, so they may be wrong).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from tunesmith.assistant.analysis import Analysis, analyze_score
from tunesmith.errors import ConfigError, ScoreError
from tunesmith.theory.faults import RULES, faults, voice_name
from tunesmith.theory.voice_leading import crossed, sonorities

RULE_SETS = {
    "chorale": (RULES, 4),
    "species": (("dissonance", "leap", "ends", "parallel_fifths", "parallel_octaves", "hidden_fifths",
                 "hidden_octaves", "voice_crossing"), 2),
    "parallels": (("parallel_fifths", "parallel_octaves"), None),
}
KNOWLEDGE = {
    "parallel_fifths": "voice-leading/parallel-fifths", "parallel_octaves": "voice-leading/parallel-octaves",
    "hidden_fifths": "voice-leading/hidden-fifths", "hidden_octaves": "voice-leading/hidden-octaves",
    "voice_crossing": "voice-leading/voice-crossing", "voice_overlap": "voice-leading/voice-overlap",
    "spacing": "voice-leading/spacing", "range": "voice-leading/range",
    "unresolved_leading_tone": "voice-leading/leading-tone", "unresolved_seventh": "voice-leading/chordal-seventh",
    "dissonance": "counterpoint/first-species/consonance", "leap": "counterpoint/first-species/melodic-leaps",
    "ends": "counterpoint/first-species/beginning-and-end",
}
EXPLAIN = {
    "parallel_fifths": "the {0} and {1} move in the same direction from a perfect fifth to another perfect fifth; "
                       "the two lines fuse and lose their independence",
    "parallel_octaves": "the {0} and {1} move in the same direction from an octave (or unison) to another; "
                        "for that moment four voices sound like three",
    "hidden_fifths": "the outer voices move in the same direction into a perfect fifth, the soprano by leap; "
                     "the fifth stands out as if approached in parallel",
    "hidden_octaves": "the outer voices move in the same direction into an octave, the soprano by leap; "
                      "the octave stands out as if approached in parallel",
    "voice_crossing": "the {0} goes below the {1}; the listener loses track of which line is which",
    "voice_overlap": "the {1} moves past the note the {0} has just left (or the other way round); the lines blur",
    "spacing": "the {0} and {1} are more than an octave apart; upper voices sound best within an octave",
    "range": "the {0} goes outside its comfortable range",
    "unresolved_leading_tone": "the leading tone in the {0} does not rise to the tonic as V goes to I; "
                               "its pull upward is left hanging",
    "unresolved_seventh": "the seventh of the chord in the {0} does not fall by step as the chord changes; "
                          "a chordal seventh is a dissonance that resolves down",
    "dissonance": "the {0} and {1} form a dissonance (a second, fourth, tritone or seventh); first species "
                  "allows consonances only",
    "leap": "the {0} leaps by a tritone, a seventh or more than an octave; a counterpoint line moves mostly by "
            "step, with consonant leaps",
    "ends": "a counterpoint begins on a perfect consonance and ends on an octave or unison",
}


CROSSING_WARNING = 0.25  # Bach's parts cross in about 1% of the sonorities


class Item(NamedTuple):
    bar: str
    beat: float
    voices: tuple[str, ...]
    rule: str
    explanation: str
    knowledge: str  # a path in the knowledge tree
    fix: str


class Feedback(NamedTuple):
    analysis: Analysis
    rules: str
    items: list[Item]
    warnings: list[str]
    outputs: dict  # format -> path written


def rule_set(name: str) -> tuple[tuple[str, ...], int | None]:
    """The rules and the voices wanted of a rule set; ConfigError naming the valid ones otherwise."""
    if name not in RULE_SETS:
        raise ConfigError(f"unknown rule set {name!r}; valid: {', '.join(RULE_SETS)}")
    return RULE_SETS[name]


def check_analysis(analysis: Analysis, rules: str = "chorale") -> Feedback:
    """Feedback items for an analysed exercise (see the module doc)."""
    from tunesmith.assistant.fixes import suggest

    names, wanted = rule_set(rules)
    n = analysis.voices
    if wanted is not None and n != wanted:
        raise ScoreError(f"the {rules} rules want {wanted} voices; this score has {n} "
                         f"(one voice per track: write each part on its own track)")
    if n < 2:
        raise ScoreError(f"the {rules} rules need at least two voices; this score has {n}")
    parts = [analysis.score.tracks[i].notes for i in analysis.voice_tracks]
    times, grid = sonorities(parts)
    warnings = []
    crossing = np.zeros(grid.shape[1], dtype=bool)
    for a in range(n - 1):
        crossing |= crossed(grid[a], grid[a + 1])
    if grid.shape[1] and crossing.mean() >= CROSSING_WARNING:
        warnings.append(f"the parts cross in {crossing.mean():.0%} of the sonorities: voices are named by their "
                        "average pitch, so the names below may not be the parts you meant")
    items = []
    for f in faults(parts, times, grid, analysis.spans, names):
        bar, beat = analysis.where(f.tick)
        voices = tuple(voice_name(v, n) for v in f.voices)
        text = EXPLAIN[f.rule].format(*voices, *voices)
        items.append(Item(bar, beat, voices, f.rule, text, KNOWLEDGE[f.rule],
                          suggest(f, times, grid, analysis.spans, names)))
    return Feedback(analysis, rules, items, warnings, {})


def check(path, rules: str = "chorale", out=None) -> Feedback:
    """Read an exercise (MusicXML, MIDI, ABC or JSON), check it, and with `out` write `<stem>-checked.musicxml`
    and `.svg` with the faults in colour. Bad input raises a TunesmithError with a one-line message."""
    from tunesmith.io import read
    from tunesmith.io.measures import read_measures

    rule_set(rules)
    score = read(path)
    analysis = analyze_score(score, read_measures(path, score), rules=RULE_SETS[rules][0])
    feedback = check_analysis(analysis, rules)
    if out is None:
        return feedback
    from tunesmith.assistant.analyze import write_text
    from tunesmith.assistant.annotate import annotated_score_xml, write_annotated_svg

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(path).stem + "-checked"
    outputs = {"musicxml": write_text(out / f"{stem}.musicxml", annotated_score_xml(analysis)),
               "svg": write_annotated_svg(analysis, out / f"{stem}.svg")}
    return feedback._replace(outputs=outputs)


def feedback_text(feedback: Feedback) -> str:
    """The items for people, one paragraph each."""
    from tunesmith.assistant.formats import RULE_NAMES

    lines = [f"warning: {w}" for w in feedback.warnings]
    count = len(feedback.items)
    lines.append(f"{count} fault{'s' * (count != 1)} by the {feedback.rules} rules" + (":" if count else "."))
    for it in feedback.items:
        rule = RULE_NAMES.get(it.rule, it.rule)
        lines += ["", f"bar {it.bar}, beat {round(it.beat, 2):g} — {rule} ({', '.join(it.voices)})",
                  f"  why: {it.explanation} (tunesmith explain {it.knowledge})", f"  fix: {it.fix}"]
    for fmt, p in feedback.outputs.items():
        lines.append(f"{fmt}: {p}")
    return "\n".join(lines) + "\n"
