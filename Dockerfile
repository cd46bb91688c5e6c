# syntax=docker/dockerfile:1
# Build: a virtualenv with the service and its pinned dependencies.
FROM python:3.11.11-slim-bookworm AS build
# PyICU (for followthemoney) compiles against ICU.
RUN apt-get update && apt-get install -y --no-install-recommends g++ libicu-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN python -m venv /venv
COPY pyproject.toml README.md ./
COPY service ./service
RUN /venv/bin/pip install --no-cache-dir .

# Run: the virtualenv, migrations and seeds; no compiler, no root.
FROM python:3.11.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends libicu72 \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 register
WORKDIR /app
COPY --from=build /venv /venv
COPY alembic.ini pyproject.toml ./
COPY service ./service
COPY migrations ./migrations
COPY seeds ./seeds
ENV PATH="/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite:////app/instance/register.db \
    SEED_ON_START=1
RUN mkdir -p /app/instance && chown register /app/instance
USER register
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/v1/vocabularies', timeout=2)"
CMD ["sh", "-c", "python -m service migrate && if [ \"$SEED_ON_START\" = 1 ]; then python -m service seed; fi && exec python -m service serve --host 0.0.0.0 --port 8000"]
