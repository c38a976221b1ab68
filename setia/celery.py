"""The Celery app, used with REDIS_URL; without it `manage.py run_jobs` runs the jobs."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "setia.settings")

app = Celery("setia")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
