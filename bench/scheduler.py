"""The memory model's public figure: `manage.py evaluate_scheduler` on the shared review log (issue 13).

FSRS's parameters fitted with fsrs-rs-python to 80 % of the log's cards (a fixed seed), then the defaults
and the fit measured on the other 20 %: the fit must beat the defaults on both log loss and RMSE (bins).
No database is involved; the stage takes well under a second.
"""

from __future__ import annotations

import json
import os
from io import StringIO
from pathlib import Path

from django.core.management import call_command

REVIEW_LOG = Path(
    os.environ.get(
        "BENCH_REVIEW_LOG", Path(__file__).resolve().parents[2] / "shared" / "data" / "fsrs-review-log-sample.csv"
    )
)
SEED = 2024


def measure() -> dict | None:
    """The command's JSON figures (None when the shared log is not there), its other lines printed as they come."""
    if not REVIEW_LOG.exists():
        print(f"\n== Scheduler evaluation skipped: no review log at {REVIEW_LOG}", flush=True)
        return None
    print(f"\n== Scheduler evaluation: evaluate_scheduler {REVIEW_LOG.name} --seed {SEED}", flush=True)
    output = StringIO()
    call_command("evaluate_scheduler", str(REVIEW_LOG), seed=SEED, stdout=output)
    *lines, last = output.getvalue().strip().splitlines()
    for line in lines:
        print(line, flush=True)
    return json.loads(last)


def summary(figures: dict | None) -> dict:
    if figures is None:
        return {"scheduler_evaluation": None}
    met = {
        "fitted_log_loss_below_default": figures["fitted_log_loss"] < figures["default_log_loss"],
        "fitted_rmse_bins_below_default": figures["fitted_rmse_bins"] < figures["default_rmse_bins"],
    }
    print(
        f"scheduler: log loss {figures['default_log_loss']:.4f} (defaults) -> {figures['fitted_log_loss']:.4f} "
        f"(fitted), RMSE (bins) {figures['default_rmse_bins']:.4f} -> {figures['fitted_rmse_bins']:.4f}, "
        f"fit {figures['fit_seconds']:.3f} s on held-out cards; " + ("met" if all(met.values()) else "MISSED"),
        flush=True,
    )
    return {
        "scheduler_evaluation": {
            key: figures[key]
            for key in (
                "default_log_loss",
                "fitted_log_loss",
                "default_rmse_bins",
                "fitted_rmse_bins",
                "fit_seconds",
                "seed",
                "train_items",
                "test_items",
            )
        },
        "scheduler_targets_met": met,
    }
