from tunesmith.recommend.settings import suggest


def jig(key="D major"):
    return {"style": "irish", "collection": "oneills", "key": key, "meter": "6/8", "kind": "jig"}


def test_liked_jigs_suggest_a_jig_in_their_key():
    liked = [(jig(), 2.0, None, {"kept"}), (jig(), 2.0, None, {"kept"}), (jig("G major"), 1.0, None, {"kept"}),
             ({"style": "bach", "key": "G major", "meter": "4/4", "kind": "chorale"}, 1.0,
              {"temperature": 0.8, "tempo": 80}, {"rating"})]
    first, second = suggest(liked)
    assert first["model"] == "folk" and first["request"] == {"bars": 8, "style": "irish", "meter": "6/8",
                                                             "key": "D major", "temperature": 0.8}
    assert first["because"] == "because you kept two jigs in D major"
    assert first["label"] == "Irish jig, D major, 6/8"
    assert second["model"] == "chorales" and second["request"]["tempo"] == 80
    assert second["because"] == "because you rated one Bach chorale highly"


def test_disliked_items_suggest_nothing_and_the_cold_start_has_two_defaults():
    cold = suggest([(jig(), -2.0, None, {"rating"})])
    assert [s["model"] for s in cold] == ["chorales", "folk"]
