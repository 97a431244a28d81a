import numpy as np

from tunesmith.render.pianoroll import DPI, figure_size, plot_pianoroll, track_label
from tunesmith.score import Metadata, Score, Track, note_array


def _pixels_near(img, rgb, tol=0.06):
    return int((np.abs(img[..., :3] - np.array(rgb)).max(axis=-1) < tol).sum())


def test_png_has_the_expected_size_and_is_not_blank(two_bars, tmp_path):
    import matplotlib.image as mpimg
    from matplotlib import colormaps

    path = plot_pianoroll(two_bars, tmp_path / "roll.png", title="two bars")
    img = mpimg.imread(path)  # (H, W, RGBA) floats in 0..1
    width, height = figure_size(2)
    assert img.shape[:2] == (round(height * DPI), round(width * DPI))
    assert img[..., :3].var() > 0.005
    blue, orange = colormaps["tab10"].colors[:2]  # one color per track
    assert _pixels_near(img, blue) > 100 and _pixels_near(img, orange) > 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roll.png"]


def test_figure_grows_with_bars_within_bounds():
    assert figure_size(2) == figure_size(8)
    assert figure_size(8)[0] < figure_size(32)[0] < figure_size(64)[0] <= figure_size(1000)[0]


def test_labels_name_track_and_program():
    assert track_label(Track(program=32, name="bass"), 1) == "bass (program 32, bass)"
    assert track_label(Track(is_drum=True), 2) == "track 3 (drums)"


def test_empty_and_drum_scores_draw(tmp_path):
    drums = Track(note_array([(36, 0, 240), (42, 240, 240)]), is_drum=True, name="kit")
    for i, score in enumerate([Score(), Score(tracks=(drums,), metadata=Metadata(title="beat"))]):
        assert plot_pianoroll(score, tmp_path / f"{i}.png").stat().st_size > 1000
