"""The VAE: its decoder given z is a sequence model (the shared contract), its encoder reads the whole excerpt,
its loss is MusicVAE's (reconstruction + beta-weighted KL past free bits, beta ramped with the step)."""

import math

import pytest
import torch

from tests.models.contract import V, check_all
from tunesmith.models import build_model
from tunesmith.models.vae import beta_at


def vae(**kw):
    torch.manual_seed(0)
    return build_model("vae", "debug", vocab_size=V, **kw)


@pytest.mark.parametrize("kw", [{}, {"dec_layers": 2}])
def test_the_decoder_given_z_is_a_sequence_model(kw):
    def factory():
        model = vae(**kw)
        return model.given(torch.randn(model.config.latent, generator=torch.Generator().manual_seed(1)))

    check_all(factory)


def test_the_encoder_reads_every_position():
    model = vae().eval()
    x = torch.randint(0, V, (2, 12))
    emb = {}

    def keep(module, args, out):
        out.retain_grad()
        emb["x"] = out

    handle = model.embed.register_forward_hook(keep)
    mu, _ = model.encode(x)
    handle.remove()
    mu.sum().backward()
    assert (emb["x"].grad.abs().sum(-1) > 0).all()


def test_kl_per_dimension_is_the_gaussian_kl():
    mu, logvar = torch.tensor([[0.5, -1.0, 0.0]]), torch.tensor([[0.2, -0.5, 0.0]])
    q = torch.distributions.Normal(mu, (0.5 * logvar).exp())
    expected = torch.distributions.kl_divergence(q, torch.distributions.Normal(0.0, 1.0))
    torch.testing.assert_close(build_model("vae", "debug", vocab_size=5).kl(mu, logvar), expected)
    assert float(expected[0, 2]) == 0.0


def test_beta_ramps_with_the_step_and_the_model_counts_its_steps():
    assert beta_at(0, 0.2, 100) == 0 and beta_at(50, 0.2, 100) == pytest.approx(0.1) and beta_at(10**6, 0.2, 100) == 0.2
    assert beta_at(0, 0.3, 0) == 0.3
    model = vae(beta_steps=4, beta=1.0, free_bits=0.0)
    x = torch.randint(0, V, (3, 10))
    betas = [float(model.training_step((x,))[1]["beta"]) for _ in range(6)]
    assert betas == [0.0, 0.25, 0.5, 0.75, 1.0, 1.0] and int(model.steps_trained) == 6
    model.eval()
    model.training_step((x,))
    assert int(model.steps_trained) == 6  # evaluation does not advance the schedule


def test_loss_is_reconstruction_plus_weighted_kl_past_free_bits():
    model = vae(beta_steps=0, beta=0.5, free_bits=1.0)
    x = torch.randint(0, V, (4, 10))
    torch.manual_seed(3)
    loss, logs = model.training_step((x,))
    torch.manual_seed(3)
    mu, logvar = model.encode(x)
    z = mu + torch.randn(mu.shape) * (0.5 * logvar).exp()
    nll = torch.nn.functional.cross_entropy(model.reconstruct_logits(x, z).transpose(1, 2), x, reduction="none").sum(1)
    kl = model.kl(mu, logvar).sum(1)
    torch.testing.assert_close(loss, (nll + 0.5 * (kl - 1.0).clamp_min(0)).mean() / 10)
    assert math.isclose(float(logs["kl"]), float(kl.mean().detach()), rel_tol=1e-5)


def test_excerpt_nll_is_repeatable_and_bounds_the_reconstruction():
    model = vae().eval()
    x = torch.randint(0, V, (3, 10))
    with torch.no_grad():
        a, b = model.excerpt_nll(x), model.excerpt_nll(x)
        recon = torch.nn.functional.cross_entropy(model(x)[0].transpose(1, 2), x, reduction="none").sum(1)
    assert torch.equal(a, b) and a.shape == (3,)
    assert (a > 0).all() and torch.isfinite(recon).all()
