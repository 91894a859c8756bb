"""The scoring tests' March 2026 month: the report pages are read from its results."""

from kaoping.scoring.tests.conftest import *  # noqa: F403
