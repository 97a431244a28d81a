"""What the recommender knows of a piece from its notes: a fixed-length content vector of musical features
(Yang & Lerch's histograms from tunesmith.evaluation.features, a few scalar metrics), and the tags it names
in its explanations (style, collection, key, meter, tune type).

The pitch-class histogram is taken relative to the estimated tonic, so that two jigs in different keys look
alike in it; the key itself is a tag (and the mode a feature). Every part is scaled to [0, 1]-ish ranges so
that no one feature dominates a cosine similarity before `standardize`.
"""

from __future__ import annotations

import math

import numpy as np

from tunesmith.score.model import Score

# (name, length) of each part of the vector, in order
PARTS = (("pitch_classes_from_tonic", 12), ("intervals", 25), ("inter_onset", 12), ("note_lengths", 12),
         ("scalars", 9))
DIM = sum(n for _, n in PARTS)
SCALARS = ("major", "compound_meter", "triple_meter", "voices", "pitch_range", "mean_pitch", "note_density",
           "polyphony", "tempo")
# folk tune types by meter, for explanations ("three jigs in D major"): a tune's meter is its type's usual
# one, not proof of it (a 4/4 tune may be a reel, a hornpipe or an air)
TUNE_TYPES = {"6/8": "jig", "9/8": "slip jig", "12/8": "slide", "2/2": "reel", "4/4": "tune in 4/4",
              "3/4": "tune in 3/4", "2/4": "polka or march", "3/2": "hornpipe", "3/8": "tune in 3/8"}


def _hist(values: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), 0.0, values)


def vector(score: Score) -> np.ndarray:
    """(DIM,) float32 content vector of a score; zeros where a feature is undefined (an empty score)."""
    from tunesmith.evaluation import features as f
    from tunesmith.evaluation.metrics import note_density, polyphony
    from tunesmith.theory.keys import estimate_key

    key = (score.key_signatures[0] if score.key_signatures else None) or estimate_key(score)
    pch = _hist(f.pitch_class_histogram(score))
    if key is not None:
        pch = np.roll(pch, -key.tonic)
    notes = score.all_notes()
    ts = score.time_signatures[0] if score.time_signatures else None
    num = ts.numerator if ts else 4
    scalars = [
        1.0 if key is None or key.mode == "major" else 0.0,
        1.0 if ts and ts.denominator == 8 and num % 3 == 0 and num > 3 else 0.0,
        1.0 if num % 3 == 0 else 0.0,
        min(len([t for t in score.tracks if len(t)]), 4) / 4,
        min(float(np.ptp(notes["pitch"])) if len(notes) else 0.0, 36) / 36,
        (float(notes["pitch"].mean()) - 36) / 48 if len(notes) else 0.0,
        min(_finite(note_density(score)), 8) / 8,
        min(_finite(polyphony(score)), 4) / 4,
        min(score.tempos[0].qpm if score.tempos else 120, 240) / 240,
    ]
    parts = [pch, _hist(f.interval_histogram(score)), _hist(f.ioi_histogram(score)),
             _hist(f.note_length_histogram(score)), np.array(scalars)]
    return np.concatenate(parts).astype(np.float32)


def _finite(x: float) -> float:
    return 0.0 if math.isnan(x) else x


def tags(style: str | None, collection: str | None, key: str | None, meter: str | None) -> dict:
    """The tags of an item, as explanations name them."""
    kind = "chorale" if style == "bach" else TUNE_TYPES.get(meter or "") if style else None
    return {"style": style or None, "collection": collection or None, "key": key or None, "meter": meter or None,
            "kind": kind}


def standardize(x: np.ndarray, mean=None, std=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(z-scores, mean, std) of rows of `x`; features that never vary get std 1."""
    mean = x.mean(0) if mean is None else mean
    std = x.std(0) if std is None else std
    std = np.where(std > 1e-6, std, 1.0)
    return ((x - mean) / std).astype(np.float32), mean, std
