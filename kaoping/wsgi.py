import os

from django.core.wsgi import get_wsgi_application

from kaoping.core import collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaoping.settings")
application = get_wsgi_application()
# Loaded in each gunicorn worker: what the worker keeps is set aside from the collector's walks.
collector.settle()
