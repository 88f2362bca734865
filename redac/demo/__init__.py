"""The demo site (``redac demo``): it needs every content app, so it sits above them all and
nothing imports it (but the test suite's fixtures)."""
