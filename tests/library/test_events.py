import pytest

from tunesmith.errors import ConfigError
from tunesmith.library.events import interactions, play, rate, ratings_of, save_settings, settings_of, unrate


def test_ratings_plays_and_settings(db, two_users):
    ann, bob = two_users
    with db.session.begin() as s:
        rate(s, ann, "corpus:chorales/bwv1.6", 5)
        rate(s, ann, "corpus:chorales/bwv1.6", 4)  # a new rating replaces the old
        rate(s, bob, "corpus:essen/x/1", 2)
        play(s, ann, "corpus:essen/x/1", 12.5)
        play(s, ann, "corpus:essen/x/1", 3)
        save_settings(s, ann, "last", {"bars": 8})
    with db.session.begin() as s:
        assert ratings_of(s, ann) == {"corpus:chorales/bwv1.6": 4}
        assert ratings_of(s, bob) == {"corpus:essen/x/1": 2}
        assert sorted(interactions(s)) == sorted([
            (ann, "corpus:chorales/bwv1.6", "rating", 4.0), (bob, "corpus:essen/x/1", "rating", 2.0),
            (ann, "corpus:essen/x/1", "play", 2.0)])
        assert settings_of(s, ann) == {"last": {"bars": 8}} and settings_of(s, bob) == {}
        unrate(s, ann, "corpus:chorales/bwv1.6")
        assert ratings_of(s, ann) == {}


@pytest.mark.parametrize("stars", [0, 6, 2.5, True, "5"])
def test_stars_are_one_to_five(db, two_users, stars):
    with db.session.begin() as s, pytest.raises(ConfigError):
        rate(s, two_users[0], "corpus:x", stars)


def test_a_play_of_negative_length_is_refused(db, two_users):
    with db.session.begin() as s, pytest.raises(ConfigError):
        play(s, two_users[0], "corpus:x", -1)
