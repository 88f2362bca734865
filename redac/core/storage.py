from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, precompressed static files; a file missing from the manifest (collectstatic not yet
    run after an upgrade) is linked by its plain name instead of crashing every page."""

    manifest_strict = False
