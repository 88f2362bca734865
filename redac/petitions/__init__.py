"""Petitions attached to articles (SPIP's « pétitions »), safe at viral scale.

- A :class:`~.models.Petition` is one-to-one with an article page; readers sign on an uncached
  page (``/petitions/<page id>/signer/``), so the article itself stays in the page cache.
- A signature counts once confirmed through a link mailed by the outbox (double opt-in); the
  confirmation page takes a POST, so mail scanners opening links confirm nothing.
- The confirmed count is kept on the petition (``signature_count``), raised by an ``F()`` update
  in the confirming transaction: exact, and read without counting rows.
- ``GET /api/petitions/<page id>/`` answers ``{"signatures", "goal", "open"}`` before Django's
  middleware (:mod:`.fastpath`); the article's counter is in its HTML and refreshed from it by
  ``petitions.js``, so no page is purged for a signature.
"""
