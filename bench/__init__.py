"""The benchmark of the study session: `make bench` (python -m bench).

It builds its own database (a temporary SQLite file, or `<name>_bench` next to the
PostgreSQL database named by DATABASE_URL), seeds learners with 10,000 and then
1,000,000 review states by bulk inserts, and measures, at each size:

- review_ratio: rating round trips per second through gunicorn (2 workers) divided by
  requests per second of a minimal logged-in page (bench/urls.py) through the same middleware;
- queries_per_review: SQL queries of one htmx rating round trip (in-process, test client);
- next_card_scale_ratio: median time of selectors.next_card at 1,000,000 states / at 10,000.

Then, on the largest database, the learner dashboard (GET /progress/, test client):

- dashboard_scale_ratio: its median time for a learner with 1,000,000 review-log rows / for one
  with 10,000, both with the same 2,000 reviewed items (bench.seed.seed_history); the absolute
  times and the queries per request are printed too.

The figures are printed as a table; the last line of stdout is a JSON summary.
Queries are counted as Django's query log counts them (so as assertNumQueries and
django_assert_num_queries do): a transaction's BEGIN and COMMIT included.

For quick trial runs only: BENCH_SIZES (e.g. "10000,50000"), BENCH_CONSTANT_SECONDS and
BENCH_REVIEW_SECONDS shrink the run.
"""
