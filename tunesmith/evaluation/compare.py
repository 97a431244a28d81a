"""Compare a set of generated scores with a reference set, metric by metric and all metrics at once.

Per metric (Yang & Lerch, "On the evaluation of generative models in music", Neural Computing and
Applications 2020, preprint 2018, section 4): the values in each set; the *intra-set* distances (between
pieces of one set) and the *inter-set* distances (between a generated and a reference piece); a Gaussian
kernel density estimate (KDE) of each; and between the intra-set and the inter-set densities the overlap
area and the Kullback-Leibler divergence

    OA(p, q) = integral min(p(x), q(x)) dx            (1 = same distribution, 0 = disjoint)
    KL(p || q) = integral p(x) log(p(x) / q(x)) dx    (0 = same distribution)

When the generated set is like the reference, a generated piece is as far from a reference piece as two
reference pieces are from each other: OA(intra_reference, inter) near 1 and KL near 0. Distances are
|a - b| for scalar metrics and Euclidean for histogram features.

All at once: the 5-fold cross-validated balanced accuracy of a logistic regression telling generated from
reference pieces by their metric vectors; 0.5 means the metrics cannot tell them apart.

The KDE and the logistic regression are written here in numpy rather than taken from scipy and
scikit-learn: each is a few lines, and neither library is otherwise a dependency of tunesmith. `kde`
matches `scipy.stats.gaussian_kde` (Gaussian kernel, Scott's bandwidth); OA and KL integrate the same
densities computed by linear binning and FFT (`binned_kdes`), which keeps 50,000 distances per set fast.
The regression matches scikit-learn's `LogisticRegression(C=1, class_weight="balanced")`, solved exactly
by Newton's method. (Both agree with those libraries to 1e-6 and better; tests check it when installed.)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from tunesmith.evaluation.features import FEATURES
from tunesmith.evaluation.metrics import METRICS
from tunesmith.score.model import Score

GRID = 256  # points of `density_grid`, on which the report draws densities
MAX_DISTANCES = 50_000  # distances per set; beyond, a seeded sample of pairs (bounds time and memory)
EPS = 1e-10  # density floor relative to the peak, so KL stays finite where a tail underflows


def values(scores: Iterable[Score], functions: Mapping) -> dict[str, np.ndarray]:
    """Every function on every score: name -> (N,) for scalar metrics, (N, D) for flattened features."""
    scores = list(scores)
    out = {}
    for name, fn in functions.items():
        rows = [np.asarray(fn(s), dtype=np.float64) for s in scores]
        scalar = all(r.ndim == 0 for r in rows)
        out[name] = np.array(rows) if scalar else np.stack([r.ravel() for r in rows])
    return out


def _rows(x) -> np.ndarray:
    """Observations as (N, D), rows with any NaN dropped."""
    x = np.asarray(x, dtype=np.float64)
    x = x[:, None] if x.ndim == 1 else x
    return x[~np.isnan(x).any(1)]


def intra_distances(x, rng: np.random.Generator | None = None) -> np.ndarray:
    """Distances between every two pieces of one set (each pair once; a random sample of pairs, with
    replacement, when there are more than MAX_DISTANCES)."""
    x = _rows(x)
    n = len(x)
    if n * (n - 1) // 2 <= MAX_DISTANCES:
        i, j = np.triu_indices(n, k=1)
    else:
        rng = rng or np.random.default_rng(0)
        i = rng.integers(n, size=MAX_DISTANCES)
        j = rng.integers(n - 1, size=MAX_DISTANCES)
        j += j >= i  # any piece but i
    return np.linalg.norm(x[i] - x[j], axis=1)


def inter_distances(x, y, rng: np.random.Generator | None = None) -> np.ndarray:
    """Distances between every piece of one set and every piece of the other (sampled as above)."""
    x, y = _rows(x), _rows(y)
    if len(x) * len(y) <= MAX_DISTANCES:
        i, j = (a.ravel() for a in np.meshgrid(np.arange(len(x)), np.arange(len(y)), indexing="ij"))
    else:
        rng = rng or np.random.default_rng(0)
        i, j = rng.integers(len(x), size=MAX_DISTANCES), rng.integers(len(y), size=MAX_DISTANCES)
    return np.linalg.norm(x[i] - y[j], axis=1)


def bandwidth(samples) -> float:
    """Scott's rule, as `scipy.stats.gaussian_kde`: h = std(samples, ddof=1) * n^(-1/5); for samples with
    no spread, a small width relative to their size, so that equal constant samples overlap fully."""
    s = np.asarray(samples, dtype=np.float64)
    sd = s.std(ddof=1) if len(s) > 1 else 0.0
    return float(sd * len(s) ** -0.2) if sd > 0 else 1e-3 * (float(np.abs(s).max(initial=0.0)) + 1.0)


def kde(samples, grid) -> np.ndarray:
    """Gaussian kernel density of 1-D samples at the grid points (Scott's bandwidth), evaluated exactly."""
    s = np.asarray(samples, dtype=np.float64)
    grid = np.asarray(grid, dtype=np.float64)
    h = bandwidth(s)
    points, counts = np.unique(s, return_counts=True)  # repeated values (counts, rates) cost once
    out = np.zeros(len(grid))
    for lo in range(0, len(points), 1024):  # chunks keep the (chunk, grid) matrix small
        z = (grid[None, :] - points[lo:lo + 1024, None]) / h
        out += counts[lo:lo + 1024] @ np.exp(-0.5 * z * z)
    return out / (len(s) * h * math.sqrt(2 * math.pi))


def density_grid(*sample_sets, points: int = GRID) -> np.ndarray:
    """Evenly spaced points covering every sample set plus five of its bandwidths either side."""
    lo = min(float(np.min(s)) - 5 * bandwidth(s) for s in sample_sets)
    hi = max(float(np.max(s)) + 5 * bandwidth(s) for s in sample_sets)
    return np.linspace(lo, hi, points)


def binned_kdes(*sample_sets) -> tuple[np.ndarray, list[np.ndarray]]:
    """(grid, densities): the Gaussian KDE of each sample set on one fine common grid, fast.

    Samples are spread linearly onto a grid spaced an eighth of the smallest bandwidth and convolved with
    the sampled Gaussian kernel by FFT (linear binning, as in Wand 1994, "Fast computation of multivariate
    kernel estimators", JCGS 3(4)): O(samples + grid log grid) instead of O(samples x grid), with an error
    far below the sampling noise of the distances.
    """
    hs = [bandwidth(s) for s in sample_sets]
    lo = min(float(np.min(s)) - 6 * h for s, h in zip(sample_sets, hs, strict=True))
    hi = max(float(np.max(s)) + 6 * h for s, h in zip(sample_sets, hs, strict=True))
    delta = max(min(hs) / 8, (hi - lo) / 2**18)  # at most 262,144 points
    m = int(math.ceil((hi - lo) / delta)) + 2
    grid = lo + delta * np.arange(m)
    out = []
    for s, h in zip(sample_sets, hs, strict=True):
        pos = (np.asarray(s, dtype=np.float64) - lo) / delta
        i = np.floor(pos).astype(np.int64)
        frac = pos - i
        hist = np.bincount(i, 1 - frac, minlength=m)[:m] + np.bincount(i + 1, frac, minlength=m)[:m]
        half = min(int(math.ceil(5 * h / delta)), (m - 1) // 2)
        kernel = np.exp(-0.5 * (np.arange(-half, half + 1) * delta / h) ** 2)
        # normalized on the grid, so each density sums to one even where h is narrower than the spacing
        dens = _convolve_same(hist, kernel / kernel.sum()) / (len(s) * delta)
        out.append(np.maximum(dens, 0.0))  # FFT round-off can dip a hair below zero
    return grid, out


def _convolve_same(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """np.convolve(x, kernel, "same") for an odd kernel, by FFT: a wide kernel on a long grid stays fast."""
    n = len(x) + len(kernel) - 1
    size = 1 << (n - 1).bit_length()
    full = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(kernel, size), size)[:n]
    half = len(kernel) // 2
    return full[half:half + len(x)]


def overlap_and_kl(p_samples, q_samples) -> tuple[float, float]:
    """(OA, KL(p || q)) between the Gaussian KDEs of two 1-D samples, integrated on a common grid."""
    p_samples, q_samples = np.asarray(p_samples), np.asarray(q_samples)
    if len(p_samples) < 2 or len(q_samples) < 2:
        return math.nan, math.nan
    grid, (p, q) = binned_kdes(p_samples, q_samples)
    oa = float(np.trapezoid(np.minimum(p, q), grid))
    floor = EPS * max(p.max(), q.max())
    pf, qf = np.maximum(p, floor), np.maximum(q, floor)
    kl = float(np.trapezoid(pf * np.log(pf / qf), grid))
    return min(oa, 1.0), max(kl, 0.0)


@dataclass(frozen=True)
class MetricComparison:
    """One metric or feature compared across the two sets (pieces where it is NaN left out)."""

    name: str
    generated: np.ndarray  # (N_g, D) values
    reference: np.ndarray  # (N_r, D)
    intra_generated: np.ndarray  # distances
    intra_reference: np.ndarray
    inter: np.ndarray
    oa_generated: float  # OA(intra_generated, inter)
    kl_generated: float  # KL(intra_generated || inter)
    oa_reference: float  # OA(intra_reference, inter): the headline number, 1 = alike
    kl_reference: float  # KL(intra_reference || inter)
    oa_values: float  # OA of the value distributions themselves (scalar metrics only, else NaN)

    @property
    def scalar(self) -> bool:
        return self.generated.shape[1] == 1


def compare_metric(name: str, generated, reference, seed: int = 0) -> MetricComparison:
    """Yang & Lerch's intra/inter-set comparison of one metric's values (N,) or feature rows (N, D)."""
    rng = np.random.default_rng(seed)
    g, r = _rows(generated), _rows(reference)
    ig, ir, inter = intra_distances(g, rng), intra_distances(r, rng), inter_distances(g, r, rng)
    oa_g, kl_g = overlap_and_kl(ig, inter)
    oa_r, kl_r = overlap_and_kl(ir, inter)
    oa_v = overlap_and_kl(g[:, 0], r[:, 0])[0] if g.shape[1] == 1 else math.nan
    return MetricComparison(name, g, r, ig, ir, inter, oa_g, kl_g, oa_r, kl_r, oa_v)


def _fit_logistic(x: np.ndarray, y: np.ndarray, c: float = 1.0, iterations: int = 50) -> np.ndarray:
    """Weights (D + 1,) of an L2-penalized logistic regression with balanced class weights, by Newton's
    method: minimize sum_i w_i log(1 + exp(-s_i f(x_i))) + |beta|^2 / (2c), intercept unpenalized."""
    xb = np.hstack([x, np.ones((len(x), 1))])  # (N, D+1), last column the intercept
    w = np.where(y == 1, len(y) / (2 * max(y.sum(), 1)), len(y) / (2 * max((1 - y).sum(), 1)))
    penalty = np.full(xb.shape[1], 1.0 / c)
    penalty[-1] = 0.0
    beta = np.zeros(xb.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ beta, -30, 30)))
        grad = xb.T @ (w * (p - y)) + penalty * beta
        hess = (xb * (w * p * (1 - p))[:, None]).T @ xb + np.diag(penalty) + 1e-9 * np.eye(len(beta))
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def classifier_accuracy(generated: np.ndarray, reference: np.ndarray, folds: int = 5, seed: int = 0) -> float:
    """Mean balanced accuracy over stratified k folds of a logistic regression (C=1, balanced class weights)
    telling generated (N_g, M) from reference (N_r, M) metric vectors; 0.5 = indistinguishable.

    Balanced accuracy (the mean of the two per-class recalls) is 0.5 for a blind guess whatever the set
    sizes. Within each fold NaN values are filled with the training fold's column median and columns are
    standardized with the training fold's mean and deviation. NaN when a set has fewer than 2 pieces.
    """
    x = np.vstack([generated, reference]).astype(np.float64)
    y = np.r_[np.ones(len(generated)), np.zeros(len(reference))]
    x = x[:, ~np.isnan(x).all(0)]  # a metric undefined everywhere says nothing
    k = min(folds, len(generated), len(reference))
    if k < 2 or not x.shape[1]:
        return math.nan
    rng = np.random.default_rng(seed)
    fold = np.empty(len(y), dtype=np.int64)
    for label in (0, 1):  # stratified: each class dealt round-robin over the folds after a shuffle
        idx = rng.permutation(np.flatnonzero(y == label))
        fold[idx] = np.arange(len(idx)) % k
    scores = []
    for f in range(k):
        train, test = fold != f, fold == f
        med = np.nanmedian(x[train], 0)
        med = np.where(np.isnan(med), 0.0, med)
        xt = np.where(np.isnan(x), med, x)
        mu, sd = xt[train].mean(0), xt[train].std(0)
        xt = (xt - mu) / np.where(sd > 0, sd, 1.0)
        beta = _fit_logistic(xt[train], y[train])
        pred = (xt[test] @ beta[:-1] + beta[-1]) > 0
        recalls = [np.mean(pred[y[test] == label] == label) for label in (0, 1)]
        scores.append(np.mean(recalls))
    return float(np.mean(scores))


def fit_classifier(positive: np.ndarray, negative: np.ndarray):
    """The logistic regression of `classifier_accuracy` fitted on every row of two sets of metric vectors
    (NaN filled with the column median, columns standardized, as there): a function of metric vectors (N, M)
    giving each row's probability of belonging to `positive`. What tells two styles apart, applied to new pieces
    (bench/restyle.py)."""
    x = np.vstack([positive, negative]).astype(np.float64)
    y = np.r_[np.ones(len(positive)), np.zeros(len(negative))]
    med = np.nanmedian(x, 0)
    med = np.where(np.isnan(med), 0.0, med)
    fill = lambda a: np.where(np.isnan(a), med, a)  # noqa: E731
    mu, sd = fill(x).mean(0), fill(x).std(0)
    sd = np.where(sd > 0, sd, 1.0)
    beta = _fit_logistic((fill(x) - mu) / sd, y)

    def probability(rows: np.ndarray) -> np.ndarray:
        z = (fill(np.asarray(rows, np.float64)) - mu) / sd @ beta[:-1] + beta[-1]
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    return probability


@dataclass(frozen=True)
class Comparison:
    """Every metric and feature compared, and how well all scalar metrics together tell the sets apart."""

    metrics: dict[str, MetricComparison]
    classifier_accuracy: float  # balanced, 5-fold cross-validated; 0.5 = indistinguishable
    n_generated: int
    n_reference: int


def compare(generated: Iterable[Score], reference: Iterable[Score], metrics: Mapping = METRICS,
            features: Mapping = FEATURES, folds: int = 5, seed: int = 0) -> Comparison:
    """Compare two sets of scores on every scalar metric and histogram feature, and classify them."""
    generated, reference = list(generated), list(reference)
    g = values(generated, {**metrics, **features})
    r = values(reference, {**metrics, **features})
    per = {name: compare_metric(name, g[name], r[name], seed) for name in {**metrics, **features}}
    gm = np.column_stack([g[n] for n in metrics]) if metrics and generated else np.zeros((len(generated), 0))
    rm = np.column_stack([r[n] for n in metrics]) if metrics and reference else np.zeros((len(reference), 0))
    acc = classifier_accuracy(gm, rm, folds, seed) if len(metrics) else math.nan
    return Comparison(per, acc, len(generated), len(reference))
