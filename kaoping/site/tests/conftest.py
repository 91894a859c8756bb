"""The home page tests read the scoring tests' March 2026 month (an open month with one sheet)."""

from kaoping.scoring.tests.conftest import *  # noqa: F403
