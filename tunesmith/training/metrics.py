"""The metrics log of a run: `metrics.csv` (step, metric, value), TensorBoard events when tensorboard is
installed, and a loss-curve PNG at the end."""

from __future__ import annotations

import csv
import logging
import math
from pathlib import Path

log = logging.getLogger(__name__)


class MetricsLog:
    def __init__(self, folder, resume_step: int | None = None):
        self.folder = Path(folder)
        self.path = self.folder / "metrics.csv"
        rows = []
        if resume_step is not None and self.path.is_file():
            # a killed run may have logged past its last checkpoint: keep only what the checkpoint had seen
            with self.path.open() as f:
                rows = [r for r in csv.reader(f)][1:]
            rows = [r for r in rows if int(r[0]) <= resume_step]
        self.file = self.path.open("w", newline="")
        self.csv = csv.writer(self.file)
        self.csv.writerows([("step", "metric", "value"), *rows])
        self.file.flush()
        self.tb = None
        try:
            from torch.utils.tensorboard import SummaryWriter

            self.tb = SummaryWriter(str(self.folder / "tensorboard"), purge_step=resume_step)
        except ImportError:
            pass

    def log(self, step: int, **values: float) -> None:
        for name, value in values.items():
            self.csv.writerow((step, name, repr(float(value))))
            if self.tb is not None:
                self.tb.add_scalar(name, value, step)
        self.file.flush()

    def read(self) -> dict[str, list[tuple[int, float]]]:
        """{metric: [(step, value), ...]} of everything logged so far."""
        out: dict[str, list[tuple[int, float]]] = {}
        with self.path.open() as f:
            for step, name, value in list(csv.reader(f))[1:]:
                out.setdefault(name, []).append((int(step), float(value)))
        return out

    def close(self) -> None:
        self.file.close()
        if self.tb is not None:
            self.tb.close()

    def plot(self, path=None) -> Path:
        """Training and validation loss against the step, with the unigram baseline, as a PNG."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        path = Path(path or self.folder / "loss.png")
        series = self.read()
        fig, ax = plt.subplots(figsize=(7, 4))
        for name, label in (("train/loss", "train"), ("valid/nll", "valid")):
            if series.get(name):
                steps, values = zip(*series[name])
                ax.plot(steps, values, label=label, marker="o" if name == "valid/nll" else None, ms=3)
        base = [v for _, v in series.get("valid/unigram_nll", []) if not math.isnan(v)]
        if base:
            ax.axhline(base[-1], color="gray", ls="--", lw=1, label="unigram baseline")
        ax.set_xlabel("step")
        ax.set_ylabel("NLL (nats/token)")
        ax.legend()
        ax.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(path, dpi=100)
        plt.close(fig)
        return path
