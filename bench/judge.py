"""What every family is judged by in the benches of issue 13 (bench/families.py, vae.py, rl_tuner.py):
melodies of a fixed number of bars, generated, against real excerpts of as many bars from a held-out split.

    judge(generated, real)      the metrics classifier of `tunesmith evaluate` (balanced accuracy, 0.5 = cannot
                                tell them apart) and the mean overlap (Yang & Lerch's OA of the intra-real and
                                inter-set distances) over the melodic metrics
    diversity(ids)              a mode-collapse check: distinct 4-grams of notes over all, and the mean token
                                distance between two pieces of the set
    originality(scores)         the longest run of notes shared with a training piece (the folk model's index)
"""

from __future__ import annotations

import math

import numpy as np

# the metrics of tunesmith.evaluation.METRICS that a single melody has (voice leading and polyphony are NaN or 0)
MELODIC = ("pitch_range", "pitches_used", "pitch_classes_used", "pitch_class_entropy", "scale_consistency",
           "in_key_rate", "note_density", "empty_beat_rate", "groove_consistency", "mean_abs_interval",
           "bar_self_similarity", "repeated_bar_rate", "excessive_repetition_rate", "leaps_resolved",
           "starts_on_tonic", "ends_on_tonic")


def excerpt_scores(excerpts, split: str, n: int, seed: int = 0):
    """(scores, ids) of `n` excerpts of a split drawn at random (in their pieces' meter, tempo and key)."""
    from tunesmith.representation.base import Conditioning

    tok = excerpts.tokenizer()
    data, cond = excerpts.split(split), excerpts.conditioning(split)
    rows = np.sort(np.random.default_rng(seed).choice(len(data), size=min(n, len(data)), replace=False))
    names = tok.vocab.names
    scores = []
    for r in rows:
        c = Conditioning.from_tokens([names[i] for i in cond[r] if i])
        prefix = [tok.vocab["BOS"]] + [tok.vocab[t] for t in c.tokens()]
        scores.append(tok.decode(prefix + np.asarray(data[r], np.int64).tolist() + [tok.vocab["EOS"]]))
    return scores, np.asarray(data[rows], np.int64)


def judge(generated, real, metrics=MELODIC) -> dict:
    """Classifier accuracy and mean overlap of generated against real scores."""
    from tunesmith.evaluation import METRICS
    from tunesmith.evaluation.compare import compare

    c = compare(generated, real, {m: METRICS[m] for m in metrics}, features={})
    overlaps = [v.oa_reference for v in c.metrics.values() if not math.isnan(v.oa_reference)]
    return {"classifier_accuracy": round(c.classifier_accuracy, 4), "overlap": round(float(np.mean(overlaps)), 4),
            "n_generated": c.n_generated, "n_real": c.n_reference}


def diversity(ids: np.ndarray, first_pitch_id: int, n: int = 4, seed: int = 0) -> dict:
    """Distinct note n-grams (intervals, transposition-invariant) over all, and the mean Hamming distance
    (share of grid tokens that differ) between random pairs of the set."""
    grams, total = set(), 0
    for row in ids:
        p = row[row >= first_pitch_id].astype(np.int64)
        iv = np.diff(p)
        for i in range(len(iv) - n + 2):
            grams.add(tuple(iv[i:i + n - 1].tolist()))
            total += 1
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, len(ids), 2000), rng.integers(0, len(ids), 2000)
    keep = a != b
    distance = float(np.mean(ids[a[keep]] != ids[b[keep]])) if keep.any() else math.nan
    return {"distinct_4grams": round(len(grams) / max(1, total), 4), "pairwise_distance": round(distance, 4)}


def originality(scores, index=None) -> dict:
    """Mean and largest longest-run-shared-with-a-training-piece (notes) over the scores."""
    from tunesmith.evaluation.corpus_index import check, model_index
    from tunesmith.generation.load import SHIPPED

    index = index or model_index(SHIPPED / "folk")
    runs = [check(s, index)["longest_shared_run"] or 0 for s in scores]
    return {"mean_longest_run": round(float(np.mean(runs)), 2), "max_longest_run": int(max(runs, default=0))}
