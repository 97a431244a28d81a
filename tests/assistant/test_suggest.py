"""Suggestions: the rewrite engine keeps what it is told to keep and scores as the model does; each kind does
what it says (the melody kept, the cadence's chords, a fault removed); files; one-line errors for bad input."""

import subprocess
import sys

import numpy as np
import pytest
import torch

from tunesmith.assistant.rewrite import drafts, grid_of, splice
from tunesmith.assistant.suggest import suggest, suggestions_text
from tunesmith.generation.constraints import Rules
from tunesmith.generation.load import Loaded
from tunesmith.io import write
from tunesmith.models import build_model
from tunesmith.models.checkpoint import save
from tunesmith.representation import get_tokenizer
from tunesmith.score import KeySignature, Score, Track, note_array

from .scores import PHRASE, chorale

Q = 480
TOK = get_tokenizer("voicegrid", voices=4)
# bar 1: the book's phrase; bar 2: C major to D minor and back in parallel fifths (tenor-bass: G-C, A-D) and
# octaves (soprano-bass: C-C, D-D)
FIFTHS = ((72, 64, 55, 48), (74, 65, 57, 50), (72, 64, 55, 48), (71, 62, 55, 43))
PIECE = chorale(*PHRASE[:4], *FIFTHS, *PHRASE[4:]).replace(key_signatures=(KeySignature(0, 0, "major"),))


@pytest.fixture(scope="module")
def loaded():
    torch.manual_seed(0)
    # a context longer than the piece: one forward pass then sees what the step-by-step pass sees
    model = build_model("transformer", "debug", vocab_size=len(TOK.vocab), dropout=0.0, block_size=512).eval()
    return Loaded("tiny", None, model, TOK, {}, None, 0.0)


@pytest.fixture(scope="module")
def piece(tmp_path_factory):
    path = tmp_path_factory.mktemp("piece") / "piece.mid"
    write(PIECE, path)
    return path


def test_forced_voices_stay_and_the_score_is_the_models(loaded):
    g = grid_of(TOK, PIECE)
    rules = Rules(TOK, 4, [])
    found = drafts(loaded.model, TOK, g, 16, 32, {1, 2, 3}, rules, 4, seed=1)
    assert all(np.array_equal(d.tokens[:, 0], g.tokens[16:32, 0]) for d in found)
    # nothing free: the log-likelihood of bars 2 and 3 as written, as one forward pass computes it
    same = drafts(loaded.model, TOK, g, 16, 32, set(), Rules(TOK, 1, []), 1)[0]
    ids = torch.tensor([g.ids()])
    with torch.no_grad():
        logp = loaded.model(ids)[0][0].log_softmax(-1)
    start, V = len(g.prefix), 4
    want = sum(float(logp[p - 1, ids[0, p]]) for p in range(start + 16 * V, start + 48 * V))
    assert same.log_likelihood == pytest.approx(want, abs=1e-3)
    assert np.array_equal(same.tokens, g.tokens[16:32])


def test_splice_replaces_one_bar_of_one_voice():
    old = Score(tracks=(Track(note_array([(60, 0, 2 * Q), (62, 2 * Q, 4 * Q), (64, 6 * Q, Q)])),))
    new = note_array([(60, 0, 2 * Q), (67, 2 * Q, Q), (65, 3 * Q, Q)])  # the model's bar 1 (ticks 0..4Q)
    out = splice(old, [(0, new)], 0, 4 * Q)
    rows = [tuple(int(x) for x in r) for r in out.tracks[0].notes[["pitch", "start", "duration"]].tolist()]
    assert rows == [(60, 0, 2 * Q), (67, 2 * Q, Q), (65, 3 * Q, Q), (62, 4 * Q, 2 * Q), (64, 6 * Q, Q)]


def test_each_kind_does_what_it_says(loaded, piece, tmp_path):
    result = suggest(piece, 2, n=2, model=loaded, out=tmp_path, formats=("musicxml", "svg"))
    kinds = {s.kind for s in result.items}
    assert result.original["faults"] >= 1  # the planted fifths
    assert "continuation" in kinds and "reharmonization" in kinds and "cadence" in kinds
    lo, hi = 4 * Q, 8 * Q
    for s in result.items:
        assert s.reason and s.files["musicxml"].endswith(".musicxml") and s.rank >= 1
        soprano = s.score.tracks[0].notes
        if s.kind == "reharmonization":  # the melody of the bar as it was
            assert np.array_equal(soprano[(soprano["start"] >= lo) & (soprano["start"] < hi)],
                                  PIECE.tracks[0].notes[4:8])
        if s.kind == "cadence":  # the chord on beat 3 is I or V over its root
            bass = s.score.tracks[3].notes
            at = bass[(bass["start"] <= 6 * Q) & (bass["start"] + bass["duration"] > 6 * Q)]
            assert int(at["pitch"][0]) % 12 in (0, 7)
        if s.kind == "fix":
            assert s.faults < result.original["faults"] and s.reason.startswith("removes the parallel")
    assert "fix" in kinds or "fix" in result.skipped
    text = suggestions_text(result)
    assert "bar 2" in text and "reharmonization 1" in text
    assert (tmp_path / "piece-bar2-original.svg").is_file()


def test_a_new_bar_after_the_end(loaded, piece):
    result = suggest(piece, 4, n=1, model=loaded)  # the piece has three bars
    assert [s.kind for s in result.items] == ["continuation"] and set(result.skipped) == {"reharmonization",
                                                                                         "cadence", "fix"}
    assert result.items[0].score.end > PIECE.end


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory, loaded):
    folder = tmp_path_factory.mktemp("ckpt") / "tiny"
    save(folder, loaded.model, {"model": {"name": "transformer", "config": loaded.model.config_dict()},
                                "tokenizer": TOK.to_dict()})
    return folder


@pytest.mark.parametrize("args, message", [
    (["--bar", "9"], "outside the piece: it has bars 1..3; 4 asks for a new bar"),
    (["--bar", "2", "--voice", "descant"], "no voice 'descant'"),
    (["--bar", "2", "--kind", "modulation"], "unknown kind"),
    (["--bar", "2", "-n", "0"], "number of suggestions"),
    (["--bar", "2", "--model", "nonesuch"], "no model 'nonesuch'"),
    (["--bar", "1", "empty"], "holds no notes"),
])
def test_bad_input_gets_one_line(checkpoint, piece, tmp_path, args, message, capsys):
    """Through the command's entry point in process (the same path as the shell's, without starting Python)."""
    from tunesmith.cli import main

    path = piece
    if "empty" in args:
        args = [a for a in args if a != "empty"]
        path = tmp_path / "empty.json"
        write(Score(), path)
    if "--model" not in args:
        args += ["--model", str(checkpoint)]
    assert main(["suggest", str(path), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err


def test_the_command_prints_the_suggestions(checkpoint, piece):
    r = subprocess.run([sys.executable, "-m", "tunesmith", "suggest", str(piece), "--bar", "2", "-n", "1",
                        "--kind", "reharmonization", "--model", str(checkpoint)], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert "reharmonization 1: the melody kept" in r.stdout
