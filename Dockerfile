# One image for web (gunicorn), the Celery worker and Celery beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 VAR_DIR=/app/var
WORKDIR /app

# requirements.txt is the whole runtime tree, every package pinned with its hashes (make lock):
# pip refuses a package that is not in it or whose archive does not match.
COPY requirements.txt .
RUN pip install --require-hashes -r requirements.txt

COPY . .
RUN DEBUG=0 SECRET_KEY=collectstatic-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
    && useradd --system --home /app rebound && mkdir -p /app/var && chown -R rebound /app/var
USER rebound

EXPOSE 8000
# No control socket: gunicorn 25+ would create one under $HOME (/app), which is read-only here.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--no-control-socket"]
