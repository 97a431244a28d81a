"""The latent jobs on a small VAE trained on scale walks: paths, variations, samples, attribute vectors; bad
input (meters, lengths, a model without a latent space) is one clear error and writes nothing."""

import json

import numpy as np
import pytest

from tunesmith.data.excerpts import Excerpts
from tunesmith.errors import ConfigError, TunesmithError
from tunesmith.io import write
from tunesmith.latent import attributes
from tunesmith.latent.jobs import interpolate_files, sample_files, vary_files
from tunesmith.latent.space import Space, hamming, slerp
from tunesmith.score import KeySignature, Score, TimeSignature, Track, note_array


def tune(path, pitches, meter=(4, 4)):
    """A melody of quarter notes written to `path`."""
    rows = [(p, i * 480, 480) for i, p in enumerate(pitches)]
    score = Score(tracks=(Track(note_array(rows)),), time_signatures=(TimeSignature(0, *meter),),
                  key_signatures=(KeySignature(0, 0, "major"),))
    return write(score, path)


def test_slerp_keeps_the_ends_and_the_norm_of_equal_norm_codes():
    a, b = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    path = slerp(a, b, np.linspace(0, 1, 5))
    assert np.allclose(path[0], a) and np.allclose(path[-1], b)
    assert np.allclose(np.linalg.norm(path, axis=1), 1.0, atol=1e-6)
    assert np.allclose(slerp(a, 2 * a, [0.5])[0], 1.5 * a)  # parallel: linear


def test_interpolation_writes_a_path_from_a_to_b(debug_vae, tmp_path):
    folder, _ = debug_vae
    a = tune(tmp_path / "a.mid", [60, 62, 64, 65, 67, 69, 71, 72])
    b = tune(tmp_path / "b.mid", [72, 71, 69, 67, 65, 64, 62, 60])
    r = interpolate_files(a, b, steps=5, model=str(folder), out=tmp_path / "out")
    assert [p["step"] for p in r["pieces"]] == [0, 1, 2, 3, 4] and r["bars"] == 2
    assert r["pieces"][0]["distance_to_a"] == 0 and r["pieces"][-1]["distance_to_b"] == 0
    assert min(p["notes"] for p in r["pieces"]) > 0
    for p in r["pieces"]:
        assert (tmp_path / "out" / p["file"].split("/")[-1]).is_file()
    assert (tmp_path / "out" / "interpolation.png").is_file()
    assert json.loads((tmp_path / "out" / "interpolation.json").read_text())["steps"] == 5



def test_spans_and_scores_round_trip(debug_vae, tmp_path):
    from tunesmith.io import read

    space = Space.load(str(debug_vae[0]))
    spans, cond = space.spans(read(tune(tmp_path / "a.mid", [60, 62, 64, 65, 67, 69, 71, 72, 74, 76, 77, 79, 81])))
    assert spans.shape == (2, 32)  # 3 bars and a note: four bars, the last padded with rests, in two 2-bar spans
    again, _ = space.spans(space.to_score(spans, cond))
    assert np.array_equal(again, spans)


def test_bad_pairs_are_one_error_and_write_nothing(debug_vae, tmp_path):
    folder, _ = debug_vae
    a = tune(tmp_path / "a.mid", [60, 62, 64, 65, 67, 69, 71, 72])
    waltz = tune(tmp_path / "w.mid", [60, 62, 64, 65, 67, 69], meter=(3, 4))
    long = tune(tmp_path / "long.mid", [60] * 16)
    odd = tune(tmp_path / "odd.mid", [60] * 12)  # 3 bars: not whole 2-bar spans
    out = tmp_path / "out"
    with pytest.raises(TunesmithError, match="A is in 4/4, B in 3/4"):
        interpolate_files(a, waltz, model=str(folder), out=out)
    with pytest.raises(TunesmithError, match="A has 2 bars, B has 4"):
        interpolate_files(a, long, model=str(folder), out=out)
    with pytest.raises(TunesmithError, match="has 3 bars; .* reads 2-bar spans"):
        interpolate_files(odd, odd, model=str(folder), out=out)
    with pytest.raises(TunesmithError, match="reads 4/4 or 2/2"):
        interpolate_files(waltz, waltz, model=str(folder), out=out)
    with pytest.raises(ConfigError, match="--steps"):
        interpolate_files(a, a, steps=1, model=str(folder), out=out)
    assert not out.exists()
    r = interpolate_files(a, long, steps=3, bars=2, model=str(folder), out=out)  # the first two bars of each
    assert r["bars"] == 2


def test_a_model_without_a_latent_space():
    with pytest.raises(TunesmithError, match="a transformer model has no latent space"):
        Space.load("folk")


def test_variations_attributes_and_samples(debug_vae, tmp_path):
    folder, excerpts = debug_vae
    space = Space.load(str(folder))
    a = tune(tmp_path / "a.mid", [60, 62, 64, 65, 67, 69, 71, 72])
    with pytest.raises(TunesmithError, match="no attribute 'denser'"):
        vary_files(a, model=str(folder), attribute="denser", out=tmp_path / "v")
    vectors = attributes.attribute_vectors(space, Excerpts.load(excerpts), n=150)
    assert {"denser", "higher"} <= set(vectors) and len(vectors["denser"]["vector"]) == space.latent
    attributes.save(vectors, folder)
    near = vary_files(a, amount=0.0, n=2, model=str(folder), out=tmp_path / "near")
    assert [p["distance"] for p in near["pieces"]] == [0, 0, 0]  # no noise: the reconstruction itself
    far = vary_files(a, amount=3.0, n=3, model=str(folder), attribute="denser", strength=2.0, out=tmp_path / "far")
    assert len(far["pieces"]) == 4 and (tmp_path / "far" / "variations.png").is_file()
    with pytest.raises(ConfigError, match="--amount"):
        vary_files(a, amount=float("nan"), model=str(folder), out=tmp_path / "x")
    s = sample_files(n=3, model=str(folder), out=tmp_path / "s", temperature=1.0, seed=4)
    assert len(s["pieces"]) == 3 and all(p["notes"] >= 0 for p in s["pieces"])
    ids = space.decode(np.zeros((2, space.latent)), temperature=0.0)
    assert ids.shape == (2, 32) and hamming(ids[0], ids[1]) == 0  # greedy: one code, one excerpt
