"""The piano-roll likelihood benchmark: loading, arrays, exact step probabilities, and the command."""

import gzip
import itertools
import json
import math

import numpy as np
import pytest
import torch

from tunesmith.cli import main
from tunesmith.data.arrays import TokenArrays
from tunesmith.errors import TunesmithError
from tunesmith.evaluation.pianoroll import frame_nll, load_pianoroll, step_nlls, tokenizer_for, write_token_arrays
from tunesmith.models import build_model

C, E, G = 60, 64, 67
DATA = {"train": [[[C, E, G], [C, E], [], [G]] * 3, [[E], [G, C]] * 4],
        "valid": [[[C], [E, G], [C, E, G]], [[G]] * 5]}


def write(tmp_path, data, gz=True):
    path = tmp_path / ("roll.json.gz" if gz else "roll.json")
    raw = json.dumps(data).encode()
    path.write_bytes(gzip.compress(raw) if gz else raw)
    return path


def model_for(tok, seed=0):
    torch.manual_seed(seed)
    return build_model("transformer", "debug", vocab_size=len(tok.vocab), dropout=0.0).eval()


def test_load_reads_gzip_and_plain_json(tmp_path):
    assert load_pianoroll(write(tmp_path, DATA)) == load_pianoroll(write(tmp_path, DATA, gz=False)) == DATA


@pytest.mark.parametrize("data", [
    {"train": [[[60]]]},  # no valid split
    {"train": [[[60]]], "valid": [[[128]]]},  # pitch out of MIDI range
    {"train": [[[60]]], "valid": [[]]},  # empty piece
    {"train": [[[60]]], "valid": [[["C4"]]]},  # not a number
    [1, 2, 3],
])
def test_bad_files_raise_one_clear_error(tmp_path, data):
    with pytest.raises(TunesmithError, match="split|expected"):
        load_pianoroll(write(tmp_path, data))


def test_corrupt_gzip_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.json.gz"
    path.write_bytes(gzip.compress(json.dumps(DATA).encode())[:20])
    with pytest.raises(TunesmithError, match="not a readable"):
        load_pianoroll(path)


def test_arrays_transpose_train_only_and_decode_back(tmp_path):
    arrays = TokenArrays.load(write_token_arrays(DATA, tmp_path, transpose=(-2, 1)))
    tok = arrays.tokenizer()
    assert tok.pitch_range == (58, 68)  # 60..67 widened by the shifts
    meta = arrays.meta["splits"]
    assert meta["train"]["transpositions"] == [-2, -1, 0, 1] * 2 and meta["valid"]["transpositions"] == [0, 0]
    train = arrays.sequences("train")
    assert tok.decode_frames(train[2].tolist()) == [set(s) for s in DATA["train"][0]]
    assert tok.decode_frames(train[0].tolist()) == [{p - 2 for p in s} for s in DATA["train"][0]]
    assert [tok.decode_frames(s.tolist()) for s in arrays.sequences("valid")] == [
        [set(s) for s in piece] for piece in DATA["valid"]]


def test_step_probabilities_sum_to_one_over_every_pitch_set():
    """The masked model is a distribution over pitch sets: with 4 pitches, the 16 sets of a step have
    probabilities summing to 1, for the first step and for a later one."""
    tok = tokenizer_for({"train": [[[60, 63]]]})
    model = model_for(tok)
    sets = [list(c) for r in range(5) for c in itertools.combinations(range(60, 64), r)]
    first = sum(math.exp(-step_nlls(model, tok, [s], 64)[0]) for s in sets)
    later = sum(math.exp(-step_nlls(model, tok, [[61], [60, 63], s], 64)[2]) for s in sets)
    assert first == pytest.approx(1.0, abs=1e-5) and later == pytest.approx(1.0, abs=1e-5)


def test_step_nlls_match_a_direct_sum_of_token_log_probs():
    tok = tokenizer_for(DATA)
    model = model_for(tok)
    piece = DATA["valid"][0]
    ids = torch.tensor(tok.encode_frames(piece)[:-1])
    with torch.no_grad():
        logp = model.logits(ids[None])[0].log_softmax(-1)  # unmasked: at least the masked NLL
    unmasked = -logp[torch.arange(len(ids) - 1), ids[1:]].sum().item()
    nlls = step_nlls(model, tok, piece, 64)
    assert len(nlls) == len(piece) and (nlls > 0).all()
    assert nlls.sum() <= unmasked + 1e-4


def test_long_pieces_are_scored_in_windows():
    tok = tokenizer_for(DATA)
    model = model_for(tok)
    piece = DATA["train"][0] * 4  # 48 steps, 112 tokens
    whole, windowed = step_nlls(model, tok, piece, 512), step_nlls(model, tok, piece, 16)
    assert len(whole) == len(windowed) == 48 and np.isfinite(windowed).all()
    # the first 4 steps (10 tokens) lie in the first window, with the whole piece's context; later ones not
    assert np.allclose(whole[:4], windowed[:4], atol=1e-4) and not np.allclose(whole, windowed, atol=1e-3)


def test_frame_nll_conventions():
    tok = tokenizer_for(DATA)
    model = model_for(tok)
    r = frame_nll(model, tok, DATA["valid"], 64)
    per = [step_nlls(model, tok, p, 64) for p in DATA["valid"]]
    assert r["steps"] == 8 and r["pieces"] == 2
    assert r["nll"] == pytest.approx(sum(p.sum() for p in per) / 8)
    assert r["nll_skip_first"] == pytest.approx(sum(p[1:].sum() for p in per) / 6)


def test_bench_command_trains_and_scores(tmp_path, capsys):
    data = {**DATA, "test": DATA["valid"][:1]}
    out = tmp_path / "run"
    args = ["bench", "pianoroll", "--data", str(write(tmp_path, data)), "--out", str(out), "--no-progress",
            "--transpose=-1:1", "--set", "model.size=debug", "--set", "train.max_steps=3",
            "--set", "train.block_size=32", "--set", "train.batch_size=2", "--set", "train.eval_every=2"]
    assert main(args) == 0
    result = json.loads((out / "result.json").read_text())
    assert set(result["scores"]) == {"valid", "test"} and result["steps"] == 3
    assert all(0 < s["nll"] < math.inf for s in result["scores"].values())
    assert "valid" in capsys.readouterr().out


def test_bench_command_reports_bad_input(tmp_path, capsys):
    path = tmp_path / "x.json"
    path.write_text("{not json")
    assert main(["bench", "pianoroll", "--data", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "not a readable" in capsys.readouterr().err
    assert main(["bench", "pianoroll", "--data", str(path), "--transpose", "3:1"]) == 2


def test_transposition_mixture_is_the_mean_of_the_shifted_likelihoods():
    """The mixture's steps telescope to -log mean_k p(piece shifted by k); over every pitch set of a step its
    probabilities sum to at most one (a shift that leaves the range gives zero); a mixture of the single
    shift 0 is the model itself."""
    tok = tokenizer_for({"train": [[[60, 63]]]}, transpose=(-1, 1))  # pitches 59..64
    model = model_for(tok)
    piece = [[61], [60, 63], [62]]
    shifted = [step_nlls(model, tok, [[p + k for p in s] for s in piece], 64).sum() for k in (-1, 0, 1)]
    expected = -np.log(np.mean(np.exp(-np.array(shifted))))
    assert frame_nll(model, tok, [piece], 64, (-1, 0, 1))["nll"] * 3 == pytest.approx(expected, rel=1e-6)

    sets = [list(c) for r in range(7) for c in itertools.combinations(range(59, 65), r)]
    prefix = 2 * frame_nll(model, tok, [piece[:2]], 64, (-1, 0, 1))["nll"]
    mass = sum(math.exp(prefix - 3 * frame_nll(model, tok, [piece[:2] + [s]], 64, (-1, 0, 1))["nll"]) for s in sets)
    assert 0.5 < mass <= 1.0 + 1e-6
    assert frame_nll(model, tok, [piece], 64, (0,)) == frame_nll(model, tok, [piece], 64)
    with pytest.raises(TunesmithError, match="outside"):
        frame_nll(model, tok, DATA["valid"], 64)


def large_shape(pieces: int, steps: int, seed: int = 0) -> list:
    """MuseData / Piano-midi.de shape: long pieces, up to 16 simultaneous pitches anywhere in the 88 keys."""
    rng = np.random.default_rng(seed)
    return [[sorted(rng.choice(np.arange(21, 109), size=int(rng.integers(0, 17)), replace=False).tolist())
             for _ in range(steps + i)] for i in range(pieces)]


def test_frame_body_is_the_loop_it_vectorizes():
    piece = large_shape(1, 300)[0] + [[60, 60, 61], [], [108, 21]]  # a repeated pitch counts once, any order
    tok = tokenizer_for({"train": [piece]})
    loop = []
    for step in piece:
        loop += [tok.first_pitch_id + p - tok.pitch_range[0] for p in sorted(set(step))] + [tok.step_id]
    assert tok.frame_body(piece).tolist() == loop


def test_arrays_stream_pieces_to_disk_one_at_a_time(tmp_path):
    """Hundreds of long pieces times a dozen transpositions never sit in memory together: writing the arrays
    takes far less memory than the tokens it writes (held as lists, they took 10-20 times more)."""
    import tracemalloc

    data = {"train": large_shape(24, 1000), "valid": large_shape(2, 1000, seed=1)}
    write_token_arrays(DATA, tmp_path / "warm-up")  # what it imports is not what is measured
    tracemalloc.start()
    folder = write_token_arrays(data, tmp_path / "big", transpose=(-5, 6))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    meta = TokenArrays.load(folder).meta["splits"]
    written = 2 * (meta["train"]["tokens"] + meta["valid"]["tokens"])  # uint16 bytes on disk
    assert meta["train"]["transpositions"] == list(range(-5, 7)) * 24  # 21..108 +-: every shift stays in 0..127
    assert written > 4_000_000 and peak < written / 4


def test_bench_on_long_dense_pieces_reports_its_context(tmp_path, capsys):
    data = {"train": large_shape(3, 1500), "valid": large_shape(2, 1200, seed=1)}
    out = tmp_path / "run"
    args = ["bench", "pianoroll", "--data", str(write(tmp_path, data)), "--out", str(out), "--no-progress",
            "--transpose=-1:1", "--set", "model.size=debug", "--set", "train.max_steps=2",
            "--set", "train.block_size=64", "--set", "train.batch_size=2", "--set", "train.eval_every=2"]
    assert main(args) == 0
    r = json.loads((out / "result.json").read_text())
    c = r["scores"]["valid"]["context"]
    assert r["scores"]["valid"]["steps"] == 1200 + 1201 and c["block_tokens"] == 64
    assert c["tokens_per_step"] > 8 and c["steps_seen"][1] < 8 and c["share_tokens_cut"] > 0.99
    assert c["longest_piece_steps"] == pytest.approx(1201, rel=0.1)
    printed = capsys.readouterr().out
    assert "context (valid): windows of 64 tokens" in printed and "not its whole piece: 99% of tokens" in printed
