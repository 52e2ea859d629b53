"""The benchmark of the study session: `make bench` (python -m bench).

It builds its own database (a temporary SQLite file, or `<name>_bench` next to the
PostgreSQL database named by DATABASE_URL), seeds learners with 10,000 and then
1,000,000 review states by bulk inserts, and measures, at each size:

- review_floor_ratio (the target): rating round trips per second through gunicorn (2 workers)
  divided by requests per second of the floor (bench/urls.py), an htmx POST that does the bare
  minimum a rating must: session, user, CSRF check, one indexed LIMIT 1 read of a review state
  and one row updated in a transaction;
- review_ratio (printed, no longer a target): the same rating round trips per second divided by
  requests per second of a minimal logged-in page (bench/urls.py) through the same middleware;
- the worker's CPU and wall ms of the rate POST, the answer POST, the floor and the constant page
  (medians, from a response header set by bench/middleware.py);
- queries_per_review: SQL queries of one htmx rating round trip (in-process, test client);
- next_card_scale_ratio: median time of selectors.next_card at 1,000,000 states / at 10,000;
- the query plans of the queue's queries (next card, counts) and of the floor's read.

The client studies as a browser does: it answers each card (POST answer/, the token from the
question, an empty response or, where the item needs one, a choice) and then rates it (POST
rate/, the token from the feedback's rating form). Only the rate POST is the rating round trip:
its rate is counted from the time spent in rate requests (bench.web.LoadResult.rps), and the
answer POST's latency is reported apart. The three loads run in alternating slices.

Then, on the largest database, the learner dashboard (GET /progress/, test client):

- dashboard_scale_ratio: its median time for a learner with 1,000,000 review-log rows / for one
  with 10,000, both with the same 2,000 reviewed items (bench.seed.seed_history); the absolute
  times and the queries per request are printed too.

The figures are printed as a table; the last line of stdout is a JSON summary.
Queries are counted as Django's query log counts them (so as assertNumQueries and
django_assert_num_queries do): a transaction's BEGIN and COMMIT included.

For quick trial runs only: BENCH_SIZES (e.g. "10000,50000"), BENCH_CONSTANT_SECONDS,
BENCH_FLOOR_SECONDS (default: as BENCH_CONSTANT_SECONDS) and BENCH_REVIEW_SECONDS shrink the run.
"""
