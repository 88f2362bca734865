#!/usr/bin/env python
"""Same as the ``redac`` command, for those who expect manage.py."""

from redac.cli import main

if __name__ == "__main__":
    main()
