"""Load the two sets to compare, and write a comparison as text, as JSON and as a Markdown report with plots.

    <out>/report.md       the summary table and one section per metric, with its plot
    <out>/summary.json    the same numbers, for scripts
    <out>/plots/NAME.png  the values of both sets side by side, and the intra/inter-set distance densities
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

import numpy as np

from tunesmith.errors import TunesmithError
from tunesmith.evaluation.compare import Comparison, MetricComparison, binned_kdes, density_grid
from tunesmith.evaluation.features import LENGTH_NAMES, MAX_INTERVAL
from tunesmith.score.model import Score
from tunesmith.theory.pitch import PITCH_CLASS_NAMES

log = logging.getLogger(__name__)

_BIN_NAMES = {
    "pitch_class_histogram": PITCH_CLASS_NAMES,
    "interval_histogram": tuple(str(i) for i in range(-MAX_INTERVAL, MAX_INTERVAL + 1)),
    "ioi_histogram": LENGTH_NAMES,
    "note_length_histogram": LENGTH_NAMES,
}


def load_set(spec: str) -> list[Score]:
    """The scores of a folder (every readable score file under it, recursively), of one file, or of a
    prepared built-in corpus split written CORPUS:SPLIT (e.g. "chorales:valid")."""
    path = Path(spec)
    if path.is_dir() or path.is_file():
        from tunesmith.io import find_scores, read_many

        files = find_scores(path) if path.is_dir() else [path]
        # a piece written in several formats counts once: `tunesmith compose` writes a .json report beside
        # each .mid, so a .json with a music file of the same name beside it is left out
        music = {f.with_suffix("") for f in files if f.suffix.lower() != ".json"}
        files = [f for f in files if f.suffix.lower() != ".json" or f.with_suffix("") not in music]
        scores = [s for _, s in read_many(files)]
        if not scores:
            raise TunesmithError(f"{spec}: no readable score files")
        return scores
    if ":" not in spec:
        raise TunesmithError(f"{spec}: neither a folder, a file, nor CORPUS:SPLIT (e.g. chorales:valid)")
    from tunesmith.data.prepare import load_corpora
    from tunesmith.data.splits import SPLITS

    corpus, split = spec.split(":", 1)
    if split not in SPLITS:
        raise TunesmithError(f"{spec}: unknown split {split!r}; valid: {', '.join(SPLITS)}")
    scores = [s for c in load_corpora(corpus) for _, s in c.scores(split)]
    if not scores:
        raise TunesmithError(f"{spec}: the split is empty")
    return scores


def _stats(x: np.ndarray) -> str:
    if not len(x):
        return "-"
    if x.shape[1] > 1:
        return f"{x.shape[1]}-bin histogram"
    return f"{x[:, 0].mean():.3f} ± {x[:, 0].std():.3f}"


def _f(v: float) -> str:
    return "-" if math.isnan(v) else f"{v:.3f}"


def verdict(accuracy: float) -> str:
    """A plain-words reading of the classifier's balanced accuracy."""
    if math.isnan(accuracy):
        return "not enough pieces to classify"
    if accuracy < 0.6:
        return "the metrics barely tell the sets apart"
    if accuracy < 0.75:
        return "the metrics tell the sets apart somewhat"
    return "the metrics tell the sets apart easily"


def summary_text(c: Comparison) -> str:
    """A fixed-width table of every metric (what `tunesmith evaluate` prints)."""
    lines = [f"generated: {c.n_generated} pieces   reference: {c.n_reference} pieces",
             f"classifier balanced accuracy (5-fold, 0.5 = indistinguishable): {_f(c.classifier_accuracy)}"
             f"  -- {verdict(c.classifier_accuracy)}", "",
             f"{'metric':<30} {'generated':>17} {'reference':>17} {'OA':>6} {'KL':>6}"]
    for name, m in c.metrics.items():
        lines.append(f"{name:<30} {_stats(m.generated):>17} {_stats(m.reference):>17} "
                     f"{_f(m.oa_reference):>6} {_f(m.kl_reference):>6}")
    lines += ["", "OA, KL: overlap area and KL divergence of the reference set's intra-set distances against "
              "the inter-set distances (Yang & Lerch 2018); OA 1 and KL 0 = the generated set is alike."]
    return "\n".join(lines)


def summary_dict(c: Comparison) -> dict:
    """The numbers of a comparison as plain JSON-ready values (NaN as None)."""

    def num(v):
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), 6)

    def mean(x):
        return num(float(x[:, 0].mean())) if len(x) and x.shape[1] == 1 else None

    return {
        "n_generated": c.n_generated, "n_reference": c.n_reference,
        "classifier_balanced_accuracy": num(c.classifier_accuracy),
        "metrics": {name: {
            "generated_mean": mean(m.generated), "reference_mean": mean(m.reference),
            "generated_n": len(m.generated), "reference_n": len(m.reference),
            "oa_values": num(m.oa_values), "oa_reference": num(m.oa_reference), "kl_reference": num(m.kl_reference),
            "oa_generated": num(m.oa_generated), "kl_generated": num(m.kl_generated),
        } for name, m in c.metrics.items()},
    }


def plot_metric(m: MetricComparison, path: Path, labels=("generated", "reference")) -> Path:
    """Two panels: the values of both sets side by side; the densities of intra- and inter-set distances."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4))
    colors = ("tab:orange", "tab:blue")
    if m.scalar and len(m.generated) and len(m.reference):
        both = np.r_[m.generated[:, 0], m.reference[:, 0]]
        bins = np.histogram_bin_edges(both, bins=min(30, max(5, len(np.unique(both)))))
        for x, label, color in zip((m.generated, m.reference), labels, colors, strict=True):
            left.hist(x[:, 0], bins=bins, density=True, alpha=0.5, label=f"{label} (n={len(x)})", color=color)
        left.set_xlabel(m.name)
        left.set_ylabel("density")
    elif m.generated.shape[1] == 144 and len(m.generated) and len(m.reference):  # a 12 x 12 matrix
        diff = (m.generated.mean(0) - m.reference.mean(0)).reshape(12, 12)
        lim = float(np.abs(diff).max()) or 1.0
        im = left.imshow(diff, cmap="RdBu_r", vmin=-lim, vmax=lim)
        left.set_xticks(range(12), PITCH_CLASS_NAMES, fontsize=7)
        left.set_yticks(range(12), PITCH_CLASS_NAMES, fontsize=7)
        left.set_xlabel("to")
        left.set_ylabel("from")
        fig.colorbar(im, ax=left, label=f"{labels[0]} - {labels[1]}")
    elif not m.scalar and len(m.generated) and len(m.reference):
        k = m.generated.shape[1]
        width = 0.4
        for i, (x, label, color) in enumerate(zip((m.generated, m.reference), labels, colors, strict=True)):
            left.bar(np.arange(k) + (i - 0.5) * width, x.mean(0), width, label=label, color=color)
        names = _BIN_NAMES.get(m.name)
        if names and len(names) == k:
            left.set_xticks(range(k), names, fontsize=7, rotation=90 if k > 12 else 0)
        left.set_xlabel(f"{m.name} bin")
        left.set_ylabel("mean share")
    left.set_title("values")
    if left.get_legend_handles_labels()[0]:
        left.legend(fontsize=8)
    curves = [(m.intra_generated, f"intra {labels[0]}", colors[0]), (m.intra_reference, f"intra {labels[1]}",
                                                                      colors[1]), (m.inter, "inter-set", "k")]
    curves = [cv for cv in curves if len(cv[0]) >= 2]
    if curves:
        fine, densities = binned_kdes(*(cv[0] for cv in curves))
        grid = density_grid(*(cv[0] for cv in curves))
        for density, (_, label, color) in zip(densities, curves, strict=True):
            right.plot(grid, np.interp(grid, fine, density), label=label, color=color)
    right.set_title(f"distances: OA {_f(m.oa_reference)}, KL {_f(m.kl_reference)}")
    right.set_xlabel("distance")
    if curves:
        right.legend(fontsize=8)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.2, top=0.9, wspace=0.25)  # tight_layout costs more
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def write_report(c: Comparison, folder, generated_name: str = "generated",
                 reference_name: str = "reference") -> Path:
    """Write report.md, summary.json and one PNG per metric into `folder`; returns the report's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").write_text(json.dumps(summary_dict(c), indent=1))
    lines = [
        f"# Evaluation: {generated_name} against {reference_name}", "",
        f"- generated: {generated_name}, {c.n_generated} pieces",
        f"- reference: {reference_name}, {c.n_reference} pieces",
        f"- classifier balanced accuracy (logistic regression on all scalar metrics, 5-fold cross-validated): "
        f"**{_f(c.classifier_accuracy)}** -- 0.5 means the metrics cannot tell the sets apart; "
        f"{verdict(c.classifier_accuracy)}.", "",
        "OA and KL compare, per metric, the distribution of distances between two reference pieces (intra-set) "
        "with that of distances between a generated and a reference piece (inter-set), as in Yang & Lerch "
        "(2018), \"On the evaluation of generative models in music\": OA near 1 and KL near 0 mean the "
        "generated pieces sit among the reference pieces. \"OA values\" is the overlap of the two sets' "
        "value distributions. On metrics that are nearly always one value (e.g. 0) the densities are "
        "spikes and OA is unreliable.", "",
        "| metric | generated | reference | OA values | OA | KL |", "|---|---|---|---|---|---|",
    ]
    for name, m in c.metrics.items():
        lines.append(f"| {name} | {_stats(m.generated)} | {_stats(m.reference)} | {_f(m.oa_values)} | "
                     f"{_f(m.oa_reference)} | {_f(m.kl_reference)} |")
    lines.append("")
    for name, m in c.metrics.items():
        png = plot_metric(m, folder / "plots" / f"{name}.png", (generated_name, reference_name))
        lines += [f"## {name}", "", f"![{name}]({png.relative_to(folder).as_posix()})", ""]
    path = folder / "report.md"
    path.write_text("\n".join(lines))
    log.info("wrote %s", path)
    return path
