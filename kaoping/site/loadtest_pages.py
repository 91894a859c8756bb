"""What the load test's simulated browsers read in the pages they get (kaoping/site/loadtest_locustfile.py).

Plain functions over the HTML, kept apart from the locustfile (which locust loads by path) so that the
test suite checks them against the real pages: a template change that would blind the load test fails
a test instead of quietly turning every save into an error.
"""

import re

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CELL = re.compile(r'name="v-(\d+)-(\d+)" value="([^"]*)" inputmode="decimal" data-v="(\d+)"')
REVISION = re.compile(r'name="revision" value="(\d+)"')
TARGET = re.compile(r'name="r-(\d+)"')
CONFLICT = "gc-clash"  # the class of a cell changed by someone else since the grid was loaded
CODE_FIELD = 'name="code"'  # the ballot form (and the code's page) carries it; the thank-you page not


def token(text: str) -> str:
    found = TOKEN.search(text)
    return found.group(1) if found else ""


def grid_cells(text: str) -> dict[tuple[str, str], int]:
    """The editable cells of a score grid: (cadre, indicator) -> the version the cell was loaded with."""
    return {(c, i): int(v) for c, i, _value, v in CELL.findall(text)}


def grid_revision(text: str) -> str:
    found = REVISION.search(text)
    return found.group(1) if found else ""


def save_refused_as_conflict(status: int, text: str) -> bool:
    """A save answered with the grid again because a cell changed meanwhile (nothing saved)."""
    return status == 200 and CONFLICT in text


def ballot_targets(text: str) -> list[str]:
    """The cadres on an opened ballot, in page order."""
    return list(dict.fromkeys(TARGET.findall(text)))


def ballot_opened(status: int, text: str) -> bool:
    return status == 200 and CODE_FIELD in text


def ballot_accepted(status: int, text: str) -> bool:
    return status == 200 and CODE_FIELD not in text
