"""WSGI entry point, served by granian through ``redac serve``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redac.settings")

application = get_wsgi_application()
