#!/usr/bin/env python3
"""Build the site: python build.py [--data DIR] [--out DIR] [--check] [--strict]."""

import sys

from datasite.cli import main

if __name__ == "__main__":
    sys.exit(main())
