"""WSGI entry point, served by granian through ``redac serve``.

Django is wrapped in the page cache's fast path (redac.delivery.wsgi): a cached page is answered
before any Django code runs. ``last_resort`` (redac.core.lastresort) is re-exported here for the
tests that assemble the same stack.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redac.settings")

django_application = get_wsgi_application()  # sets Django up; the wrappers import models

from redac.core.bodies import BodyGuard  # noqa: E402
from redac.core.health import HealthApp  # noqa: E402
from redac.core.lastresort import last_resort  # noqa: E402
from redac.core.logs import RequestContext  # noqa: E402
from redac.delivery.wsgi import CachedApp  # noqa: E402
from redac.petitions.fastpath import PetitionCounterFastPath  # noqa: E402
from redac.visits.fastpath import BeaconFastPath  # noqa: E402

# Outermost first: health probes (core/health.py, never cached); a bound on the threads that
# wait for request bodies (core/bodies.py); then visit beacons (visits/fastpath.py), petition
# counters (petitions/fastpath.py) and cached pages (delivery/wsgi.py) are answered before
# Django's middleware; everything else
# reaches Django. Around them, the last-resort error answer that keeps the security headers
# (core/lastresort.py); RequestContext is outermost of all: every request, answered by any
# layer, has its id.
application = RequestContext(
    last_resort(
        HealthApp(BodyGuard(BeaconFastPath(PetitionCounterFastPath(CachedApp(django_application)))))
    )
)
