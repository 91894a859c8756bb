"""The demo's two years of quarterly meetings: eight of them, each list a recomputation of the published
rankings, about the article's rate of statements, the older rectifications reviewed, photos on visits.

The article's town made 6 lagging statements (后进表态发言) from 2022 to the report of January 2024,
some three a year. The demo must read like that town, not like one that lists a dozen cadres a
quarter: its meetings of a calendar year hear at least one statement and at most six (twice the
article's rate, as two years of made-up scores may fall unevenly).
"""

from collections import Counter, defaultdict
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from kaoping.engine.periods import quarter_months
from kaoping.files.models import Attachment
from kaoping.files.services import path_of
from kaoping.files.validation import check_bytes
from kaoping.people.demo import DEMO_TODAY
from kaoping.quarterly.demo import VISIT_OWNER
from kaoping.quarterly.models import EntrySource, LaggingEntry, Meeting, Rectification, RectificationStatus
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import Period, PeriodStatus

MOST_STATEMENTS_A_YEAR = 6


@pytest.fixture(scope="module")
def files_dir(tmp_path_factory):
    """Where the demo's photos go, for the whole module (the per-test directory comes too late)."""
    return tmp_path_factory.mktemp("demo-files")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, files_dir):
    with django_db_blocker.unblock(), override_settings(KAOPING_FILES_DIR=files_dir):
        call_command("demo", stdout=StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


def _bottom(month: date, population: str, pool: str, k: int) -> set[int]:
    """The cadres in the bottom `k` places of a published month, read from its stored results alone:
    the rank in the population, or among the village heads for their pool."""
    rows = MonthlyResult.objects.filter(
        period__town__slug="xiacun",
        period__month=month,
        period__status=PeriodStatus.PUBLISHED,
        scheme__population=population,
    )
    if pool:
        rows = rows.filter(group=pool)
        placed = list(rows.values_list("cadre_id", "group_rank"))
    else:
        placed = list(rows.values_list("cadre_id", "rank"))
    return {cadre for cadre, rank in placed if rank > len(placed) - k}


@pytest.mark.django_db
def test_2025_has_twelve_published_months_and_the_demo_eight_meetings(demo):
    published = Period.objects.filter(town__slug="xiacun", status=PeriodStatus.PUBLISHED)
    assert published.filter(month__year=2025).count() == 12
    meetings = Meeting.objects.filter(town__slug="xiacun").order_by("year", "quarter")
    assert [m.slug for m in meetings] == [
        "2024Q4",
        *(f"2025Q{q}" for q in range(1, 5)),
        "2026Q1",
        "2026Q2",
        "2026Q3",
    ]
    for meeting in meetings:
        # Held once the quarter's last month is published, with that quarter's democratic round.
        last = Period.objects.get(
            town__slug="xiacun", month=quarter_months(meeting.year, meeting.quarter)[-1]
        )
        assert last.published_at.date() < meeting.held_on
        assert (meeting.evaluation_round.year, meeting.evaluation_round.quarter) == (
            meeting.year,
            meeting.quarter,
        )


@pytest.mark.django_db
def test_every_lagging_list_is_what_the_published_rankings_give_again(demo):
    """The demo town's rules (each of 2 consecutive months: the last leadership member, the bottom 5
    agency cadres, the bottom 3 village heads) applied again to the stored results."""
    rules = [("leadership", "", 1), ("agency", "", 5), ("village", "village_head", 3)]
    for meeting in Meeting.objects.filter(town__slug="xiacun").select_related("lagging_list"):
        last = quarter_months(meeting.year, meeting.quarter)[-1]
        before = quarter_months(meeting.year, meeting.quarter)[-2]
        again = set()
        for population, pool, k in rules:
            again |= _bottom(before, population, pool, k) & _bottom(last, population, pool, k)
        listed = LaggingEntry.objects.filter(lagging_list=meeting.lagging_list, source=EntrySource.RULE)
        assert set(listed.values_list("cadre_id", flat=True)) == again, meeting.slug
        assert meeting.lagging_list.status == "final"


@pytest.mark.django_db
def test_statements_come_at_about_the_articles_rate_and_the_older_rectifications_are_reviewed(demo):
    entries = LaggingEntry.objects.filter(lagging_list__meeting__town__slug="xiacun").select_related(
        "statement", "rectification", "lagging_list__meeting"
    )
    statements = [e for e in entries if hasattr(e, "statement")]
    per_year = Counter(e.statement.made_on.year for e in statements)
    assert set(per_year) <= {2025, 2026}  # the 2024 Q4 meeting is held in January 2025
    assert all(1 <= per_year[year] <= MOST_STATEMENTS_A_YEAR for year in (2025, 2026)), per_year
    assert entries.filter(exempt=True).count() == 1  # one exemption, with its reason
    assert not [e for e in entries if e.exempt and hasattr(e, "statement")]
    by_meeting = defaultdict(set)
    deadlines = defaultdict(set)
    for rectification in Rectification.objects.filter(entry__in=statements).select_related(
        "entry__lagging_list__meeting"
    ):
        by_meeting[rectification.entry.lagging_list.meeting.slug].add(rectification.status)
        deadlines[rectification.entry.lagging_list.meeting.slug].add(rectification.deadline)
    latest = max(by_meeting)
    assert by_meeting[latest] == {RectificationStatus.OPEN}
    assert max(deadlines[latest]) < DEMO_TODAY  # overdue on the demo's today: the office sees them
    reviewed = Rectification.objects.exclude(status=RectificationStatus.OPEN)
    assert all(r.deadline < r.reviewed_at.date() < DEMO_TODAY for r in reviewed)
    assert all(
        RectificationStatus.OPEN not in statuses for slug, statuses in by_meeting.items() if slug != latest
    )


@pytest.mark.django_db
def test_each_site_visit_of_a_project_or_village_has_photos_that_pass_the_upload_check(
    demo, files_dir, settings
):
    settings.KAOPING_FILES_DIR = files_dir
    photos = Attachment.objects.filter(owner_type=VISIT_OWNER)
    assert photos.count() == 3 * Meeting.objects.filter(town__slug="xiacun").count()
    for attachment in photos[:3]:
        content = path_of(attachment).read_bytes()
        assert check_bytes(attachment.original_name, content).content_type == "image/png"
        assert attachment.size == len(content)
