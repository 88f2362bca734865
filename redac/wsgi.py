"""WSGI entry point, served by granian through ``redac serve``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redac.settings")

application = get_wsgi_application()

# redac.visits: visit beacons are answered before Django's middleware (see visits/fastpath.py).
from redac.visits.fastpath import BeaconFastPath  # noqa: E402

application = BeaconFastPath(application)
