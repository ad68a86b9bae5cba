import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
application = get_wsgi_application()

# What start-up made (modules, settings, URL patterns, model metadata) lives as long as the worker.
# Moving it out of the garbage collector's sight keeps full collections short: without this, every
# few requests of a list that scores thousands of rows paid about 100 ms for a full collection.
gc.freeze()
