from tunesmith.recommend import Item, Recommender, Weights
from tunesmith.recommend.features import vector


def items(recs):
    return [r["item"] for r in recs]


def test_cold_start_offers_a_typical_piece_of_each_style_in_turn(catalog):
    recs = Recommender(catalog).recommend("new", n=4)
    styles = [r["tags"]["style"] for r in recs]
    assert styles in (["irish", "bach", "irish", "bach"], ["bach", "irish", "bach", "irish"])
    assert all(r["because"].startswith("a typical") for r in recs)


def test_liked_jigs_bring_jigs_and_say_why(catalog):
    history = [("corpus:oneills/0", "rating", 5), ("corpus:oneills/1", "kept", 1), ("corpus:oneills/2", "kept", 1)]
    recs = Recommender(catalog).recommend("u", n=5, history=history)
    assert all(r["tags"]["kind"] == "jig" for r in recs)
    assert not {"corpus:oneills/0", "corpus:oneills/1", "corpus:oneills/2"} & set(items(recs))  # not again
    assert recs[0]["because"] == "because you liked three jigs in D major"


def test_a_disliked_kind_sinks(catalog):
    history = [("corpus:oneills/12", "rating", 1), ("corpus:oneills/13", "rating", 1),
               ("corpus:chorales/0", "rating", 5)]
    recs = Recommender(catalog).recommend("u", n=36, history=history)
    ranks = {r["item"]: k for k, r in enumerate(recs)}
    reels = [ranks[f"corpus:oneills/{i}"] for i in range(14, 24)]
    chorales = [ranks[f"corpus:chorales/{i}"] for i in range(1, 12)]
    assert max(chorales) < min(reels)


def test_collaborative_filtering_finds_what_co_likers_liked(catalog):
    # two users liked a chorale and a reel together; a third likes that chorale: the reel comes up for them,
    # which content and tags alone would not put first
    signals = [(u, item, "rating", 5.0) for u in ("a", "b") for item in ("corpus:chorales/5", "corpus:oneills/20")]
    signals.append(("c", "corpus:chorales/5", "rating", 5.0))
    collab = Recommender(catalog, signals, Weights(0, 0, 1, 0)).recommend("c", n=1)
    assert items(collab) == ["corpus:oneills/20"]
    hybrid = Recommender(catalog, signals).recommend("c", n=36)
    content = Recommender(catalog, signals, Weights(1, 1, 0, 0)).recommend("c", n=36)
    assert items(hybrid).index("corpus:oneills/20") < items(content).index("corpus:oneills/20")


def test_own_pieces_are_offered_to_their_owner_only(catalog, fake_corpora):
    from tunesmith.data.cache import Corpus, corpus_dir

    jig = Corpus.load(corpus_dir("oneills", fake_corpora)).score(5)
    own = [Item("piece:99", vector(jig), {"style": "irish", "key": "D major", "meter": "6/8", "kind": "jig",
                                           "title": "My jig"})]
    rec = Recommender(catalog)
    history = [("corpus:oneills/0", "rating", 5), ("corpus:oneills/1", "rating", 5)]
    assert "piece:99" in items(rec.recommend("me", own=own, n=20, history=history))
    assert "piece:99" not in items(rec.recommend("other", n=36, history=history))


def test_popularity_breaks_the_cold_start_once_people_like_things(catalog):
    signals = [(u, "corpus:oneills/7", "kept", 1.0) for u in range(3)] + [(9, "corpus:chorales/3", "play", 1.0)]
    recs = Recommender(catalog, signals).recommend("new", n=2)
    assert items(recs) == ["corpus:oneills/7", "corpus:chorales/3"]
    assert recs[0]["because"] == "popular with other listeners"


def test_an_empty_catalog_still_serves_the_users_own_pieces():
    from tunesmith.recommend.catalog import Catalog
    from tunesmith.score import Score, Track, note_array

    s = Score(tracks=(Track(note_array([(60 + i, i * 480, 480) for i in range(8)])),))
    own = [Item("piece:1", vector(s), {"title": "a"}), Item("piece:2", vector(s), {"title": "b"})]
    recs = Recommender(Catalog.empty()).recommend("me", own=own, n=5, history=[("piece:1", "rating", 5)])
    assert items(recs) == ["piece:2"]


def test_a_new_user_with_pieces_of_their_own_gets_a_cold_start(catalog):
    from tunesmith.recommend.catalog import Catalog
    from tunesmith.score import Score, Track, note_array

    s = Score(tracks=(Track(note_array([(60 + i, i * 480, 480) for i in range(8)])),))
    own = [Item("piece:1", vector(s), {"title": "mine"})]
    assert items(Recommender(Catalog.empty()).recommend("me", own=own)) == ["piece:1"]
    assert "piece:1" in items(Recommender(catalog).recommend("me", own=own, n=40))
