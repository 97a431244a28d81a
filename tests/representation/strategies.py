"""Hypothesis strategies shared by the representation tests: small random scores, and token id lists."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tunesmith.representation.base import STYLES
from tunesmith.score import KeySignature, Metadata, Score, Tempo, TimeSignature, Track, note_array

# deadline off: the first example pays for imports; the suites stay small by their example counts
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

notes = st.lists(
    st.tuples(st.integers(0, 127), st.integers(0, 8000), st.integers(1, 3000), st.integers(0, 127)),
    max_size=12,
).map(note_array)

tracks = st.builds(
    Track, notes=notes, program=st.integers(0, 127), name=st.text(max_size=3), is_drum=st.booleans()
)
tempos = st.lists(st.builds(Tempo, st.integers(0, 9000), st.floats(20, 300)), min_size=1, max_size=3)
denominators = st.sampled_from((1, 2, 4, 8, 16, 32, 64))
time_signatures = st.lists(
    st.builds(TimeSignature, st.integers(0, 9000), st.integers(1, 13), denominators),
    min_size=1, max_size=3,
)
key_signatures = st.lists(
    st.builds(KeySignature, st.integers(0, 9000), st.integers(0, 11), st.sampled_from(("major", "minor"))),
    max_size=2,
)
metadata = st.builds(
    Metadata, title=st.text(max_size=3), style=st.sampled_from((*STYLES, "", "baroque")), source=st.just("x")
)
scores = st.builds(
    Score, tracks=st.lists(tracks, max_size=4), tempos=tempos, time_signatures=time_signatures,
    key_signatures=key_signatures, metadata=metadata,
)


def token_ids(vocab_size: int, max_size: int = 200):
    """Any list of valid ids: what a badly trained model may generate."""
    return st.lists(st.integers(0, vocab_size - 1), max_size=max_size)
