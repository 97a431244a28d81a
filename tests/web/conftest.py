import pytest

from .helpers import running_studio


@pytest.fixture(scope="module")
def client(tmp_path_factory, fake_corpora):
    """One studio for a test module (its job worker starts once)."""
    with running_studio(tmp_path_factory.mktemp("studio"), fake_corpora) as c:
        yield c
