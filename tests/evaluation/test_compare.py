import math

import numpy as np
import pytest

from tunesmith.evaluation.compare import (
    MAX_DISTANCES,
    _fit_logistic,
    bandwidth,
    binned_kdes,
    classifier_accuracy,
    compare,
    compare_metric,
    inter_distances,
    intra_distances,
    kde,
    overlap_and_kl,
    values,
)
from tunesmith.evaluation.features import FEATURES
from tunesmith.evaluation.metrics import METRICS

from .scores import melody, score_of

rng = np.random.default_rng(0)


def test_kde_integrates_to_one_and_matches_the_gaussian_formula():
    grid = np.linspace(-10, 10, 4001)
    assert np.trapezoid(kde(rng.normal(size=200), grid), grid) == pytest.approx(1.0, abs=1e-6)
    s = np.array([0.0, 2.0])
    h = bandwidth(s)
    expected = (np.exp(-0.5 * (grid / h) ** 2) + np.exp(-0.5 * ((grid - 2) / h) ** 2)) / (2 * h * np.sqrt(2 * np.pi))
    assert np.allclose(kde(s, grid), expected)


def test_bandwidth_is_scotts_rule():
    s = rng.normal(size=100)
    assert bandwidth(s) == pytest.approx(s.std(ddof=1) * 100 ** -0.2)
    assert bandwidth(np.zeros(5)) > 0


def test_binned_kde_agrees_with_the_exact_one():
    a, b = rng.normal(size=500), rng.exponential(size=800) * 2
    grid, (pa, pb) = binned_kdes(a, b)
    assert np.abs(pa - kde(a, grid)).max() < 1e-3 * pa.max()
    assert np.abs(pb - kde(b, grid)).max() < 1e-3 * pb.max()


def test_against_scipy_when_installed():
    stats = pytest.importorskip("scipy.stats")
    s = rng.normal(size=300)
    grid = np.linspace(-4, 4, 50)
    assert np.allclose(kde(s, grid), stats.gaussian_kde(s)(grid))


def test_overlap_and_kl():
    a = rng.normal(size=2000)
    oa, kl = overlap_and_kl(a, a)
    assert oa == pytest.approx(1.0, abs=1e-6) and kl == pytest.approx(0.0, abs=1e-9)
    oa, kl = overlap_and_kl(a, rng.normal(size=2000) + 100)
    assert oa < 1e-6 and kl > 10
    # two unit normals one apart overlap by 2 * Phi(-1/2) = 0.617 and differ by KL 1/2 (wider by the KDE)
    oa, kl = overlap_and_kl(rng.normal(size=20000), rng.normal(size=20000) + 1)
    assert oa == pytest.approx(0.617, abs=0.03) and kl == pytest.approx(0.5, abs=0.1)
    assert overlap_and_kl(np.zeros(4), np.zeros(9)) == pytest.approx((1.0, 0.0), abs=1e-6)
    assert all(math.isnan(v) for v in overlap_and_kl(np.zeros(1), a))


def test_distances():
    x = np.array([0.0, 1.0, 3.0])
    assert sorted(intra_distances(x)) == [1.0, 2.0, 3.0]
    assert sorted(inter_distances(x, np.array([1.0]))) == [0.0, 1.0, 2.0]
    vectors = np.array([[0.0, 0.0], [3.0, 4.0], [np.nan, 1.0]])  # a NaN row is left out
    assert list(intra_distances(vectors)) == [5.0]
    many = rng.normal(size=400)  # 79,800 pairs: a seeded sample
    assert len(intra_distances(many)) == MAX_DISTANCES
    again = intra_distances(many, np.random.default_rng(1))
    assert np.array_equal(intra_distances(many, np.random.default_rng(1)), again)


def test_logistic_regression_reaches_its_optimum():
    x = rng.normal(size=(200, 3))
    y = (x[:, 0] + 0.5 * rng.normal(size=200) > 0.3).astype(float)
    beta = _fit_logistic(x, y)
    xb = np.hstack([x, np.ones((200, 1))])
    w = np.where(y == 1, 200 / (2 * y.sum()), 200 / (2 * (1 - y).sum()))
    p = 1 / (1 + np.exp(-xb @ beta))
    grad = xb.T @ (w * (p - y)) + np.r_[beta[:-1], 0.0]
    assert np.abs(grad).max() < 1e-6
    sklearn = pytest.importorskip("sklearn.linear_model")
    ref = sklearn.LogisticRegression(C=1.0, class_weight="balanced", tol=1e-10, max_iter=10000).fit(x, y)
    assert np.allclose(beta, np.r_[ref.coef_[0], ref.intercept_], atol=1e-4)


def test_classifier_accuracy_is_half_for_one_distribution_and_high_for_two():
    same = classifier_accuracy(rng.normal(size=(80, 4)), rng.normal(size=(200, 4)))
    assert 0.35 < same < 0.65
    apart = classifier_accuracy(rng.normal(size=(60, 4)) + 3, rng.normal(size=(60, 4)))
    assert apart > 0.95
    with_nan = rng.normal(size=(60, 4)) + 3
    with_nan[::3, 1] = np.nan
    assert classifier_accuracy(with_nan, np.c_[rng.normal(size=(60, 3)), np.full(60, np.nan)]) > 0.9
    assert math.isnan(classifier_accuracy(rng.normal(size=(1, 4)), rng.normal(size=(9, 4))))


def test_values_shapes():
    scores = [score_of(melody([60, 62, 64])), score_of(melody([60, 67]))]
    v = values(scores, {**METRICS, **FEATURES})
    assert v["pitch_range"].shape == (2,)
    assert v["pitch_class_transition_matrix"].shape == (2, 144)
    assert list(v["pitch_range"]) == [4.0, 7.0]


def _songs(seed, n, spread):
    r = np.random.default_rng(seed)
    return [score_of(melody(list(60 + np.cumsum(r.integers(-spread, spread + 1, size=16))))) for _ in range(n)]


def test_compare_tells_a_different_style_from_the_same_one():
    steps, leaps = _songs(1, 20, 2), _songs(2, 20, 9)
    alike = compare(_songs(3, 20, 2), steps)
    unlike = compare(leaps, steps)
    assert set(alike.metrics) == set(METRICS) | set(FEATURES)
    assert (alike.n_generated, alike.n_reference) == (20, 20)
    assert unlike.classifier_accuracy > 0.9
    assert alike.classifier_accuracy < unlike.classifier_accuracy
    a, u = alike.metrics["mean_abs_interval"], unlike.metrics["mean_abs_interval"]
    assert a.oa_reference > 0.5 > u.oa_reference
    assert u.kl_reference > a.kl_reference
    assert unlike.metrics["interval_histogram"].oa_reference < alike.metrics["interval_histogram"].oa_reference


def test_compare_metric_drops_nan_pieces_and_is_nan_when_too_few():
    m = compare_metric("x", np.array([1.0, np.nan, 2.0, 3.0]), np.array([1.5, 2.5, np.nan]))
    assert m.generated.shape == (3, 1) and m.reference.shape == (2, 1)
    assert len(m.intra_generated) == 3 and len(m.inter) == 6
    assert math.isnan(compare_metric("x", np.array([np.nan]), np.array([1.0, 2.0])).oa_reference)


def test_fit_classifier_tells_new_rows_of_two_sets_apart():
    from tunesmith.evaluation.compare import fit_classifier

    rng = np.random.default_rng(0)
    a, b = rng.normal(2, 1, (40, 3)), rng.normal(-2, 1, (40, 3))
    a[0, 1] = np.nan  # filled with the column median, as classifier_accuracy fills it
    p = fit_classifier(a, b)
    new_a, new_b = rng.normal(2, 1, (20, 3)), rng.normal(-2, 1, (20, 3))
    assert (p(new_a) > 0.5).mean() > 0.9 and (p(new_b) < 0.5).mean() > 0.9
    assert p(np.full((1, 3), np.nan)).shape == (1,)
