import pytest
import torch

from tunesmith.errors import ConfigError
from tunesmith.models import RNNConfig, build_model

from .contract import V, check_all, check_causal, check_incremental


def make(**kw):
    torch.manual_seed(0)
    return build_model("rnn", "debug", vocab_size=V, dropout=0.0, **kw)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_contract(cell):
    check_all(lambda: make(cell=cell))


@pytest.mark.parametrize("kw", [{"tie_embeddings": False}, {"n_embd": 16}, {"n_embd": 16, "tie_embeddings": False},
                                {"n_layer": 1}])
def test_embedding_variants(kw):
    model = make(**kw)
    check_causal(model)
    check_incremental(model)


def test_tied_embeddings_share_one_tensor():
    model = make()
    assert model.head.weight is model.embed.weight
    assert model.num_params() < sum(p.numel() for p in model.state_dict().values())


def test_unknown_cell_lists_valid_ones():
    with pytest.raises(ConfigError, match="rnn, lstm, gru"):
        RNNConfig(cell="transformer")


def test_dropout_only_in_training():
    model = build_model("rnn", "debug", vocab_size=V, dropout=0.5)
    x = torch.randint(0, V, (2, 8))
    model.eval()
    torch.testing.assert_close(model(x)[0], model(x)[0])
    model.train()
    assert not torch.equal(model(x)[0], model(x)[0])
