"""Evaluation of generated music: metrics, set comparison, reports, and originality against a corpus.

    metrics, repetition, voice_leading, melody   scalar metrics `Score -> float` (all in METRICS)
    structure, harmony                           more `Score -> float` for bench/musicianship.py (not in METRICS)
    notation                                     what a MusicXML score writes: key signatures, spelling, fermatas
    features                                     histogram features `Score -> np.ndarray` (FEATURES)
    compare                                      generated set against reference set (Yang & Lerch 2018)
    report                                       Markdown + PNG report, and loading the sets
    originality                                  longest shared run and n-gram overlap with a corpus
    corpus_index                                 the index to check against: a shipped model's, or a split's

Importing this package is cheap: matplotlib loads only when a report is plotted.
"""

from tunesmith.evaluation.compare import Comparison, MetricComparison, classifier_accuracy, compare
from tunesmith.evaluation.features import FEATURES
from tunesmith.evaluation.metrics import METRICS
from tunesmith.evaluation.originality import Index, build_index, originality
from tunesmith.evaluation.report import load_set, summary_text, write_report

__all__ = [
    "FEATURES", "METRICS", "Comparison", "Index", "MetricComparison", "build_index", "classifier_accuracy",
    "compare", "load_set", "originality", "summary_text", "write_report",
]
