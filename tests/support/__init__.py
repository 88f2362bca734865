"""Test support shared by redac's tests (not shipped): browser journeys against a fresh demo
(``tests.support.browser``)."""
