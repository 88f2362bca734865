"""Errors a reader raises on unusable input: each carries one line a webmaster can act on."""


class UnusableSource(Exception):
    """The source cannot be imported at all (not a database, not SPIP, unknown version...).

    The command prints the message on one line and exits with status 2."""
