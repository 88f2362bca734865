"""Test support shared by redac's tests and benchmarks, not shipped (pyproject's package discovery
includes ``redac*`` only): the persona set (``personas``), browser journeys against a fresh demo
(``browser``), real servers and their ports (``processes``, ``live_server``, ``redis_server``,
``smtp_sink``), SPIP-shaped sites (``spip_sites``), and the SPIP markup conformance runner and
adversarial shapes (``conformance``, ``markup_shapes``)."""
