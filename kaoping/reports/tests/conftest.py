"""The scoring tests' March 2026 month: the report pages are read from its results."""

from kaoping.records.tests.fixtures import area  # noqa: E402, F401  (the monthly records of test_meetings.py)
from kaoping.scoring.tests.conftest import *  # noqa: F403
