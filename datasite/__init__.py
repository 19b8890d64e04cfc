"""Static open-data site generator.

The build reads top to bottom: ``load`` (the only stage that reads the disk) → ``validate`` →
``model`` → ``charts`` → ``render`` → ``write`` (the only stage that writes the site). ``cli`` is
the thin command-line layer that prints problems and picks the exit code.
"""

__version__ = "0.1.0"
