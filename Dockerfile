# syntax=docker/dockerfile:1
# Base images are pinned by tag and digest: a rebuild gets the same bytes. To move on, take
# the new digest from `docker buildx imagetools inspect python:3.11.x-slim-bookworm`.

# Build: a virtualenv with the service and its pinned dependencies.
FROM python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d AS build
# PyICU (for followthemoney) compiles against ICU.
RUN apt-get update && apt-get install -y --no-install-recommends g++ libicu-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN python -m venv /venv
COPY pyproject.toml README.md ./
COPY service ./service
RUN /venv/bin/pip install --no-cache-dir .

# Run: the virtualenv, migrations and seeds; no compiler, no root.
FROM python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d AS run
RUN apt-get update && apt-get install -y --no-install-recommends libicu72 \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 register
WORKDIR /app
COPY --from=build /venv /venv
# The service runs from /app (the working directory comes first on sys.path), where it finds
# alembic.ini, migrations/ and seeds/ beside it.
COPY alembic.ini pyproject.toml ./
COPY service ./service
COPY migrations ./migrations
COPY seeds ./seeds
ENV PATH="/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATABASE_URL=sqlite:////app/instance/register.db \
    SEED_ON_START=1
RUN mkdir -p /app/instance && chown register /app/instance
USER register
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2)"
# gunicorn is PID 1 (exec): SIGTERM from `docker stop` reaches it and it drains requests in
# flight for up to GRACEFUL_TIMEOUT seconds; give `docker stop -t` more than that.
STOPSIGNAL SIGTERM
CMD ["sh", "-c", "python -m service migrate && python -m service seed --on-start && exec python -m service serve"]
