# syntax=docker/dockerfile:1

# --- Build stage: resolve the locked Python dependencies into a virtualenv ------------
FROM python:3.12-slim-bookworm AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir -r /tmp/requirements.lock


# --- Runtime stage ---------------------------------------------------------------------
FROM python:3.12-slim-bookworm

ENV DJANGO_SETTINGS_MODULE=dealerhub.settings.production \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

# WeasyPrint's native libraries, a CJK font for Chinese PDFs, and gettext.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libffi8 \
        libjpeg62-turbo \
        shared-mime-info \
        fonts-noto-cjk \
        gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system dealerhub \
    && useradd --system --gid dealerhub --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin dealerhub

WORKDIR /app

COPY --from=builder /opt/venv /opt/venv
COPY . .

# Build-time values exist only for this RUN: production settings refuse to load without them,
# and neither command opens a database or Redis connection.
RUN export SECRET_KEY=build-only \
        DATABASE_URL=postgres://build@localhost/build \
        REDIS_URL=redis://localhost:6379/0 \
    && python manage.py compiletranslations \
    && python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown dealerhub:dealerhub /app/media

USER dealerhub

EXPOSE 8000

CMD ["gunicorn", "dealerhub.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
