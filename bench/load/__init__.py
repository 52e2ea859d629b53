"""The load and fault test: `make load` (python -m bench.load); `FAULTS=1 make load` injects faults.

N students (LOAD_USERS, default 50) log in, study, rate, undo now and then, open their progress page and take
the class quiz, as locust users (bench/load/locustfile.py) for LOAD_SECONDS (default 60) against the app served
with 4 gunicorn workers on a PostgreSQL database and a Redis cache of the run's own (bench/load/run.py). Then
the review log is compared with the ratings the server acknowledged (bench/load/accounting.py): every
acknowledged review in the log exactly once, no log row without a request behind it. The last line of stdout
is a JSON summary.
"""
