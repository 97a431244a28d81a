"""A Request checks every setting when it is made, and `check_for` what depends on the model: each bad value
is one ConfigError that names it, before any work."""

import math

import pytest

from tunesmith.errors import ConfigError
from tunesmith.generation.request import BEAMS, SEEDS, TEMPERATURE, Request
from tunesmith.representation import get_tokenizer

TOK = get_tokenizer("voicegrid", voices=4)


@pytest.mark.parametrize(("fields", "message"), [
    ({"temperature": math.nan}, "temperature must be a finite number"),
    ({"temperature": math.inf}, "temperature must be a finite number"),
    ({"temperature": 0.0}, "temperature must be in 0.01..100"),
    ({"temperature": -1.0}, "temperature must be in"),
    ({"seed": -1}, "seed must be in 0..18446744073709551615"),
    ({"seed": 2**64}, "seed must be in 0..18446744073709551615"),
    ({"seed": 1.5}, "seed must be a whole number"),
    ({"seed": True}, "seed must be a whole number"),
    ({"top_k": -1}, "top-k must be in"),
    ({"top_p": math.nan}, "top-p must be a finite number"),
    ({"top_p": 0.0}, r"top-p must be in \(0, 1\]"),
    ({"top_p": 1.5}, "top-p must be in"),
    ({"beams": 0}, "beams must be in 1..16"),
    ({"beams": 100000}, "beams must be in 1..16"),
    ({"bars": 0}, "bars must be in 1..512"),
    ({"bars": 513}, "bars must be in 1..512"),
    ({"tempo": math.nan}, "tempo"),
    ({"tempo": 1000.0}, "tempo"),
    ({"key_penalty": math.inf}, "key penalty"),
    ({"hold_penalty": -0.5}, "hold penalty"),
    ({"max_leap": -3}, "max leap"),
    ({"max_rest": math.nan}, "max rest"),
    ({"max_rest": math.inf}, "max rest"),
    ({"max_rest": -1.0}, "max rest"),
    ({"voices": 0}, "voices must be in"),
    ({"key": "Q major"}, "cannot read key"),
    ({"key": 5}, "key must be text"),
    ({"meter": "4-4"}, "cannot read meter"),
    ({"style": "jazz"}, "unknown style"),
    ({"programs": (200,)}, "General MIDI"),
    ({"programs": ()}, "at least one"),
    ({"programs": 52}, "programs must be a sequence"),
    ({"ranges": ((60, 50),)}, "holds no note"),
    ({"ranges": ((60, 200),)}, "range of voice 0"),
    ({"in_key": "yes"}, "in key is true or false"),
])
def test_a_bad_setting_is_refused_when_the_request_is_made(fields, message):
    with pytest.raises(ConfigError, match=message):
        Request(**fields)


def test_the_bounds_themselves_are_allowed():
    Request(seed=SEEDS[1], temperature=TEMPERATURE[0], beams=BEAMS[1], top_p=1.0, max_leap=0, max_rest=0.0,
            bars=512, tempo=20.0, key_penalty=100.0, hold_penalty=0.0)
    Request(seed=0, temperature=TEMPERATURE[1], beams=BEAMS[0], programs=(0, 127), ranges=((0, 127),))


def test_filling_in_open_settings_checks_them_too():
    with pytest.raises(ConfigError, match="top-p"):
        Request().resolved({"top_p": 7})  # a model's config.json asking for the impossible


@pytest.mark.parametrize(("fields", "message"), [
    ({"voices": 5}, "this model writes 1..4 voices, not 5"),
    ({"programs": (52,) * 5}, "5 instruments for 4 voice"),
    ({"voices": 2, "programs": (52, 52, 32)}, "3 instruments for 2 voice"),
    ({"ranges": ((60, 70),) * 5}, "5 ranges for 4 voice"),
    ({"top_k": 1000}, r"top-k must be in 0..\d+ \(this model's tokens\)"),
    ({"meter": "7/16"}, "this model has no meter 7/16; valid: .*3/4"),
])
def test_what_the_model_cannot_write_is_refused_by_check_for(fields, message):
    request = Request(**fields)  # fine on its own
    with pytest.raises(ConfigError, match=message):
        request.check_for(TOK)


def test_check_for_returns_a_request_the_model_can_write():
    request = Request(voices=2, programs=(52, 32), top_k=len(TOK.vocab), meter="3/4", key="F#m", style="bach")
    assert request.check_for(TOK) is request
