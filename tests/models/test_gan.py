"""The GAN: its generator is a sequence model (the shared contract); its one loss trains the generator and the
discriminator on disjoint weights (one AdamW acts as two optimizers); the adversarial weight follows the step."""

import torch

from tests.models.contract import V, check_all
from tunesmith.models import build_model


def gan(**kw):
    torch.manual_seed(0)
    return build_model("gan", "debug", vocab_size=V, **kw)


def test_the_generator_is_a_sequence_model():
    check_all(gan)


def grads(model):
    return {k: (p.grad.clone() if p.grad is not None else torch.zeros_like(p)) for k, p in model.named_parameters()}


def step_grads(seed=0, **kw):
    model = gan(pretrain_steps=0, **kw)
    x = torch.randint(0, V, (6, 12), generator=torch.Generator().manual_seed(1))
    torch.manual_seed(seed)
    loss, logs = model.training_step((x,))
    loss.backward()
    return grads(model), logs


def test_the_discriminator_loss_never_reaches_the_generator():
    g, _ = step_grads(mle=0.0, adversarial=0.0)
    assert all(not v.any() for k, v in g.items() if k.startswith("generator."))
    assert any(v.any() for k, v in g.items() if k.startswith("discriminator."))


def test_the_generator_losses_never_reach_the_discriminator():
    a, _ = step_grads(mle=0.0, adversarial=0.0)
    b, logs = step_grads(mle=3.0, adversarial=5.0)
    assert float(logs["adversarial"]) == 5.0
    for k in a:
        if k.startswith("discriminator."):
            torch.testing.assert_close(a[k], b[k], atol=0, rtol=0)
        else:
            assert b[k].any() or "embed" in k, k


def test_the_adversarial_weight_ramps_after_pretraining():
    model = gan(pretrain_steps=4, adversarial=2.0)
    assert [model.adversarial_weight(s) for s in (0, 4, 6, 8, 100)] == [0.0, 0.0, 1.0, 2.0, 2.0]
    x = torch.randint(0, V, (3, 8))
    for _ in range(3):
        model.training_step((x,))
    assert int(model.steps_trained) == 3


def test_samples_are_body_tokens_of_the_asked_length():
    model = build_model("gan", "debug", vocab_size=151)
    torch.manual_seed(0)
    fake = model.sample(5, 20)
    assert fake.shape == (5, 20) and (fake >= 61).all()
