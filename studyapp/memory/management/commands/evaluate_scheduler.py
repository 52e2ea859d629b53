from __future__ import annotations

import json
import random
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from studyapp.memory import fitting


class Command(BaseCommand):
    help = (
        "Fit FSRS's parameters to 80% of the cards of a review log (CSV: card_id, review_rating, review_time, "
        "review_duration) and measure the defaults and the fit on the other 20%. The split is by card, "
        "reproducible with --seed. The last line is JSON: default_log_loss, fitted_log_loss, default_rmse_bins, "
        "fitted_rmse_bins, fit_seconds (and the counts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The review log, a CSV file.")
        parser.add_argument("--seed", type=int, default=2024, help="Seed of the 80/20 split of the cards.")
        parser.add_argument(
            "--train-share", type=float, default=0.8, help="Share of the cards fitted on (default 0.8)."
        )

    def handle(self, *args, file: Path, seed: int, train_share: float, **options):
        if not 0 < train_share < 1:
            raise CommandError("--train-share must be between 0 and 1, e.g. 0.8.")
        try:
            with file.open(newline="", encoding="utf-8") as handle:
                cards = fitting.read_review_log(handle)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text.") from None
        except fitting.BadReviewLog as error:
            raise CommandError(f"{file}: {error}") from None

        # Sorted first, so the split depends on the seed and the cards, not on the file's order.
        card_ids = sorted(cards)
        random.Random(seed).shuffle(card_ids)  # noqa: S311 - a reproducible split, not a secret
        cut = round(len(card_ids) * train_share)
        train_ids, test_ids = card_ids[:cut], card_ids[cut:]
        train = fitting.training_items(cards[card_id] for card_id in train_ids)
        test = fitting.training_items(cards[card_id] for card_id in test_ids)
        if not train or not test:
            raise CommandError("Too few reviews to split: both parts need reviews a day or more after the one before.")

        started = time.perf_counter()
        fitted = fitting.fit(train)
        fit_seconds = time.perf_counter() - started
        default = fitting.evaluate(None, test)
        fitted_evaluation = fitting.evaluate(fitted, test)

        self.stdout.write(
            f"{len(cards):,} cards: fitted on {len(train_ids):,} ({len(train):,} training items) "
            f"in {fit_seconds:.3f} s, measured on the other {len(test_ids):,} ({len(test):,} items), split seed {seed}."
        )
        self.stdout.write(f"{'':18}{'log loss':>10}{'RMSE (bins)':>13}")
        self.stdout.write(f"{'FSRS defaults':18}{default.log_loss:>10.4f}{default.rmse_bins:>13.4f}")
        self.stdout.write(f"{'fitted':18}{fitted_evaluation.log_loss:>10.4f}{fitted_evaluation.rmse_bins:>13.4f}")
        self.stdout.write("fitted parameters: " + ", ".join(f"{value:g}" for value in fitted))
        self.stdout.write(
            json.dumps(
                {
                    "default_log_loss": round(default.log_loss, 6),
                    "fitted_log_loss": round(fitted_evaluation.log_loss, 6),
                    "default_rmse_bins": round(default.rmse_bins, 6),
                    "fitted_rmse_bins": round(fitted_evaluation.rmse_bins, 6),
                    "fit_seconds": round(fit_seconds, 4),
                    "seed": seed,
                    "cards": len(cards),
                    "train_items": len(train),
                    "test_items": len(test),
                    "fitted_beats_defaults": fitted_evaluation.beats(default),
                }
            )
        )
