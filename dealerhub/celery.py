"""The Celery application: Redis broker, JSON only, tasks autodiscovered from every app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dealerhub.settings.local")

app = Celery("dealerhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
