import pytest


@pytest.fixture(scope="module")
def catalog(fake_corpora):
    """The catalog of the fake corpora (12 chorales, 12 jigs in D major, 12 reels in G major), with embeddings."""
    from tunesmith.recommend.catalog import Catalog

    return Catalog.of_corpora(("chorales", "oneills"), root=fake_corpora)
