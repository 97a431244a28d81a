import numpy as np

from tunesmith.recommend.catalog import Catalog


def test_the_catalog_of_prepared_corpora(catalog, fake_corpora):
    assert len(catalog) == 36 and catalog.ids[0] == "corpus:chorales/0"
    assert catalog.tags[12]["kind"] == "jig" and catalog.tags[30]["title"].startswith("Reel")
    assert catalog.embedding.shape[0] == 36
    assert np.allclose(np.linalg.norm(catalog.embedding, axis=1), 1, atol=1e-5)
    again = Catalog.of_corpora(("chorales", "oneills"), root=fake_corpora)  # read back from its saved copy
    assert again.ids == catalog.ids and np.array_equal(again.content, catalog.content)
    assert np.array_equal(again.embedding, catalog.embedding)
    assert catalog.index("corpus:oneills/3") == 15 and catalog.index("corpus:nothing") is None


def test_without_prepared_corpora_the_catalog_is_empty_and_says_why(tmp_path):
    empty = Catalog.of_corpora(("chorales",), root=tmp_path)
    assert len(empty) == 0 and "tunesmith data prepare --corpus chorales" in empty.note


def test_jigs_lie_nearer_jigs_than_chorales(catalog):
    """On average over the pairs, in the content space and in the model's (standardized, as the recommender
    uses them: the direction every piece shares removed)."""
    from tunesmith.recommend.features import standardize

    for x in (catalog.content, catalog.embedding):
        z, _, _ = standardize(x)
        z /= np.linalg.norm(z, axis=1, keepdims=True)
        sim = z @ z.T
        jig_jig, chorale_jig, reel_reel = sim[12:24, 12:24].mean(), sim[:12, 12:24].mean(), sim[24:, 24:].mean()
        assert jig_jig > chorale_jig and reel_reel > sim[24:, :12].mean()
