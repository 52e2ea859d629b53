# The app in one image: gunicorn (config/gunicorn.conf.py) and WhiteNoise, settings from the environment (README,
# "Settings"). With PostgreSQL and Redis: `docker compose up --build` (compose.yaml). Alone:
#   docker build -t studyapp . && docker run -e SECRET_KEY=... -e ALLOWED_HOSTS=... -e DATABASE_URL=... -p 8000:8000 studyapp
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# pg_dump and pg_restore, for `manage.py backup_db` / `restore_db` against PostgreSQL.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# The server runs as this user; the code stays root's, so the app can't change it.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app
COPY requirements.txt .
RUN pip install --requirement requirements.txt

COPY . .
# Static files are hashed and compressed into the image once. The settings refuse to load with DEBUG off and no
# real key; collectstatic signs nothing, so a throwaway key serves here (the container needs its own SECRET_KEY).
RUN DEBUG=False SECRET_KEY=collectstatic-at-build-time-only-never-used-to-sign \
    python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir backups && chown app:app backups

USER app
ENV HOST=0.0.0.0 \
    PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["python", "-m", "config.healthcheck"]
CMD ["gunicorn", "--config", "config/gunicorn.conf.py", "config.wsgi"]
