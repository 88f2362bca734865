"""redac: a publishing platform for newsrooms and advocacy organisations."""

__version__ = "0.1.0"
