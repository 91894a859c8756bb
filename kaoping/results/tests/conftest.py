"""The scoring tests' March 2026 month (a small agency-cadre scheme): the results are computed from it."""

from kaoping.scoring.tests.conftest import *  # noqa: F403
