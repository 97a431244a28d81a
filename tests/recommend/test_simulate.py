import numpy as np
import pytest

from tunesmith.recommend import Recommender
from tunesmith.recommend.simulate import evaluate, interactions, ours, popularity, random_ranker, simulate


@pytest.fixture(scope="module")
def listeners(catalog):
    hidden = np.random.default_rng(0).normal(size=(len(catalog), 3))  # stands in for the hidden metrics
    return simulate(catalog, hidden, 30, seed=1, history=8)


def test_listeners_follow_the_protocol(listeners, catalog):
    assert {lis.kind for lis in listeners} == {"style", "profile"}  # no collection of 40 pieces here
    for lis in listeners:
        known = {item for item, _, _ in lis.history}
        held = {catalog.ids[i] for i in lis.held_out}
        assert held and not held & known and all(lis.taste[i] for i in lis.held_out)
    rows = interactions(listeners)
    assert all(kind in ("rating", "kept", "play") for _, _, kind, _ in rows)


def test_the_metrics_of_a_perfect_and_of_a_hopeless_ranker(listeners, catalog):
    perfect = evaluate(lambda lis: sorted(lis.held_out), listeners, catalog)["all"]
    assert perfect["hit_rate"] == 1.0 and perfect["ndcg"] == pytest.approx(1.0)
    hopeless = evaluate(lambda lis: [i for i in range(len(catalog)) if not lis.taste[i]], listeners, catalog)["all"]
    assert hopeless["hit_rate"] == 0.0 and hopeless["ndcg"] == 0.0 and hopeless["taste_precision"] == 0.0


def test_ours_beats_random_on_taste(listeners, catalog):
    ranked = evaluate(ours(Recommender(catalog, interactions(listeners))), listeners, catalog)["all"]
    chance = evaluate(random_ranker(catalog, 0), listeners, catalog)["all"]
    assert ranked["taste_precision"] > chance["taste_precision"]
    assert popularity(listeners, catalog)(listeners[0])[:1]  # a ranking for everyone
