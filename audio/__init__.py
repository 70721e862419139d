"""Gentle Steps build: articles in, narrated and mastered audio plus the build manifest out.

Kept import-light: the CLI imports this package for every subcommand.
"""

__version__ = "0.1.0"
