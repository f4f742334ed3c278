"""WSGI entry point (waitress serves it; any WSGI server can)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govinspect.platform.settings")
application = get_wsgi_application()
