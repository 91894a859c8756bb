"""The annual pages: what each role sees, bad input refused with a message and nothing changed, another
town's objects not found, the pool page in a fixed number of queries, the Excel export."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kaoping import testing
from kaoping.annual import services
from kaoping.annual.models import AnnualCase, AnnualResult, YearSettings

from .conftest import POOL

pytestmark = pytest.mark.django_db


def _url(name, town, *args):
    return reverse(f"annual:{name}", args=[town.slug, *args])


@pytest.fixture
def computed(year, town, office):
    services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    return year


def test_the_overview_counts_each_pool_against_its_places(client_for, office, town, computed):
    response = client_for(office).get(_url("overview", town) + "?year=2026")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Established staff" in page and "2 / 2" in page and "Up to date" in page
    assert "monthly totals over the year's published months" in page.replace("&#x27;", "'")


def test_the_pool_page_shows_rank_score_proposal_and_why(client_for, office, town, computed):
    page = client_for(office).get(_url("pool", town, 2026, POOL)).content.decode()
    assert "95.00" in page and "Excellent (优秀)" in page
    assert "within the 2 优秀 places of a pool of 10" in page
    assert "against the threshold 60" in page  # 庚, 65.00: 基本称职


def test_the_pool_page_reads_in_a_fixed_number_of_queries(client_for, office, town, computed, agency):
    client = client_for(office)
    url = _url("pool", town, 2026, POOL)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ten:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('href="/t/xiacun/annual/2026/cadre/') == 10
    more = [testing.make_cadre(town, f"新{i}", 700 + i) for i in range(6)]
    from kaoping.testing import MAR, publish_month

    publish_month(town, MAR, {c: "70" for c in [*agency, *more]})
    services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    with CaptureQueriesContext(connection) as sixteen:
        response = client.get(url)
    assert response.content.decode().count('href="/t/xiacun/annual/2026/cadre/') == 16
    assert len(sixteen) == len(ten)


def test_the_pool_page_query_count_is_pinned(client_for, office, town, computed, django_assert_num_queries):
    client = client_for(office)
    url = _url("pool", town, 2026, POOL)
    client.get(url)
    # 13, and the year's publication (not published: nothing more to read).
    with django_assert_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200 and "甲" in response.content.decode()


def test_a_grade_change_without_a_reason_says_so_and_changes_nothing(client_for, office, town, computed):
    row = AnnualResult.objects.get(cadre__name="丙")
    response = client_for(office).post(
        _url("cadre", town, 2026, row.cadre_id), {"level": "0", "reason": "", "version": row.version}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    row.refresh_from_db()
    assert row.level == 1 and row.version == 1


def test_a_grade_change_past_the_quota_is_refused_with_a_message(client_for, office, town, computed):
    row = AnnualResult.objects.get(cadre__name="丙")
    response = client_for(office).post(
        _url("cadre", town, 2026, row.cadre_id), {"level": "0", "reason": "x", "version": row.version}
    )
    assert "places and they are taken" in response.content.decode()
    row.refresh_from_db()
    assert row.level == 1


def test_garbage_in_a_grade_change_is_refused(client_for, office, town, computed):
    row = AnnualResult.objects.get(cadre__name="丙")
    for level in ("9", "优秀", "1e9", ""):
        response = client_for(office).post(
            _url("cadre", town, 2026, row.cadre_id), {"level": level, "reason": "x", "version": "abc"}
        )
        assert response.status_code == 200
    row.refresh_from_db()
    assert row.level == 1


def test_a_grade_change_is_made_and_shown(client_for, office, town, computed):
    row = AnnualResult.objects.get(cadre__name="丙")
    client = client_for(office)
    response = client.post(
        _url("cadre", town, 2026, row.cadre_id), {"level": "2", "reason": "多次缺勤", "version": row.version}
    )
    assert response.status_code == 302
    page = client.get(_url("cadre", town, 2026, row.cadre_id)).content.decode()
    assert "多次缺勤" in page and "Changed by hand" in page


def test_bad_settings_are_refused_with_a_message_and_nothing_saved(client_for, office, town):
    for share, one, two, message in (
        ("30", "70", "60", "less than or equal to 25"),
        ("abc", "70", "60", ""),
        ("20", "50", "60", "cannot be below"),
        ("20", "1e999", "60", ""),
    ):
        response = client_for(office).post(
            _url("settings", town, 2026),
            {
                "formula": "mean_of_months",
                "share_percent": share,
                "level1_from": one,
                "level2_from": two,
                "collective_method": "cadres_mean",
                "version": "0",
            },
        )
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not YearSettings.objects.exists()


def test_a_case_needs_its_reason(client_for, office, town, computed):
    cadre = AnnualResult.objects.get(cadre__name="甲").cadre
    response = client_for(office).post(
        _url("cases", town, 2026), {"cadre": cadre.pk, "kind": "veto", "veto_level": "", "detail": ""}
    )
    assert response.status_code == 200 and "choose the grade" in response.content.decode()
    assert not AnnualCase.objects.exists()


def test_the_pool_exports_its_grades_to_excel(client_for, office, town, computed):
    response = client_for(office).get(_url("pool_export", town, 2026, POOL))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Rank", "Name", "Position", "Department or village", "Annual score")
    assert rows[1][1] == "甲" and rows[1][7] == "Excellent (优秀)" and len(rows) == 11


def test_a_cadre_sees_their_own_year_and_nobody_elses(client_for, personas, town, office, year):
    cadre = personas["cadre"].cadre
    from kaoping.results.models import MonthlyResult
    from kaoping.testing import JAN, publish_month

    MonthlyResult.objects.filter(cadre=cadre).delete()
    publish_month(town, JAN.replace(month=4), {cadre: "88", **{c: "70" for c in year}})
    services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    client = client_for(personas["cadre"])
    assert client.get(_url("mine", town) + "?year=2026").url == _url("cadre", town, 2026, cadre.pk)
    own = client.get(_url("cadre", town, 2026, cadre.pk))
    assert own.status_code == 200 and "88.00" in own.content.decode()
    assert "Change the grade" not in own.content.decode()
    assert client.get(_url("cadre", town, 2026, year[0].pk)).status_code == 403
    assert client.get(_url("pool", town, 2026, POOL)).status_code == 403
    assert client.get(_url("pool_export", town, 2026, POOL)).status_code == 403
    row = AnnualResult.objects.get(cadre=cadre)
    assert client.post(_url("cadre", town, 2026, cadre.pk), {"level": "0", "reason": "x"}).status_code == 403
    assert AnnualResult.objects.get(cadre=cadre).level == row.level


def test_another_towns_cadre_and_case_are_not_found(client_for, office, town, other_town, computed):
    stranger = testing.make_cadre(other_town, "李四", 77)
    client = client_for(office)
    assert client.get(_url("cadre", town, 2026, stranger.pk)).status_code == 404
    case = AnnualCase.objects.create(
        town=other_town, year=2026, cadre=stranger, kind="undetermined", reason="probation", created_by=office
    )
    assert client.post(_url("case_remove", town, 2026, case.pk)).status_code == 404
    assert AnnualCase.objects.filter(pk=case.pk).exists()


def test_an_unknown_pool_or_year_is_not_found(client_for, office, town):
    client = client_for(office)
    assert client.get(_url("pool", town, 2026, "nobody")).status_code == 404
    assert client.get(_url("pool", town, 99999, POOL)).status_code == 404
    assert client.get(_url("overview", town) + "?year=abc").status_code == 200


def test_the_main_leader_approves_a_raised_share_from_the_settings_page(client_for, office, leader, town):
    client_for(office).post(
        _url("settings", town, 2026),
        {
            "formula": "mean_of_months",
            "share_percent": "25",
            "level1_from": "70",
            "level2_from": "60",
            "collective_method": "cadres_mean",
            "version": "0",
        },
    )
    settings = YearSettings.objects.get()
    assert str(settings.share_in_force) == "0.20"  # 25% waits for the approval
    page = client_for(leader).get(_url("settings", town, 2026)).content.decode()
    assert "Approve the share" in page
    client_for(leader).post(_url("share_approve", town, 2026), {"version": settings.version})
    settings.refresh_from_db()
    assert str(settings.share_in_force) == "0.25" and settings.share_approved_by == leader


def test_the_honours_page_lists_the_excellent(client_for, leader, town, computed):
    page = client_for(leader).get(_url("honours", town, 2026)).content.decode()
    assert "Excellent agency cadres" in page and "甲" in page and "乙" in page


def test_the_dossier_shows_the_annual_grades(client_for, office, town, computed):
    cadre = AnnualResult.objects.get(cadre__name="甲").cadre
    page = client_for(office).get(reverse("dossier:page", args=[town.slug, cadre.pk])).content.decode()
    assert "Annual scores and grades" in page and "95.00" in page and "Excellent (优秀)" in page


def test_the_cadre_page_month_lines_add_up_to_the_total(
    client_for, office, town, year, django_assert_num_queries
):
    from kaoping.results.models import MonthlyResult
    from kaoping.testing import JAN

    # 甲's January: 70 performance + 3 supervision points + 2 bonus = 75 assessment; with a democratic
    # evaluation of 90 at 20%, total = 75 × 0.8 + 90 × 0.2 = 78.
    MonthlyResult.objects.filter(cadre=year[0], period__month=JAN).update(
        performance=70,
        bonus=2,
        democratic=90,
        total="78.00",
        breakdown={"process_total": "3.0000", "assessment": "75.0000"},
    )
    services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    client = client_for(office)
    url = _url("cadre", town, 2026, year[0].pk)
    client.get(url)
    with django_assert_num_queries(12):  # the same whatever the number of months
        page = client.get(url).content.decode()
    assert "Supervision (督促落实)" in page and "= Assessment" in page
    january = page.split("2026-01</a>")[1].split("</tr>")[0]
    cells = [c.split(">", 1)[1].split("<")[0].strip() for c in january.split("<td")[1:]]
    assert cells == ["70.00", "3.00", "2.00", "0.00", "75.00", "90.00", "78.00"]
    assert "× 20%" in january
    means = page.split("Mean of 2 months")[1].split("</tr>")[0]
    assert "1.50" in means  # the supervision points' mean over January and February


def test_a_year_in_progress_says_how_many_months_are_published(client_for, office, town, year):
    from datetime import date

    from kaoping.testing import publish_month

    client = client_for(office)
    words = "The year 2026 is in progress: 2 of 12 months published. The pools are computed after December"
    overview = client.get(_url("overview", town) + "?year=2026").content.decode()
    assert words in overview and "Not computed: the year is in progress" in overview
    pool = client.get(_url("pool", town, 2026, POOL)).content.decode()
    assert words in pool and "has not been computed yet" not in pool
    publish_month(town, date(2026, 12, 1), {c: "70" for c in year})
    overview = client.get(_url("overview", town) + "?year=2026").content.decode()
    assert "in progress" not in overview and "Not computed" in overview
    pool = client.get(_url("pool", town, 2026, POOL)).content.decode()
    assert "in progress" not in pool and "has not been computed yet" in pool


def test_negative_supervision_points_count_in_the_means(client_for, office, town, year):
    from kaoping.results.models import MonthlyResult
    from kaoping.testing import FEB

    MonthlyResult.objects.filter(cadre=year[0], period__month=FEB).update(
        performance=96, total="94.00", breakdown={"process_total": "-2.0000", "assessment": "94.0000"}
    )
    services.pool_compute(actor=office, town=town, year=2026, pool=POOL)
    assert AnnualResult.objects.get(cadre=year[0]).means["supervision"] == "-1.00"
    page = client_for(office).get(_url("cadre", town, 2026, year[0].pk)).content.decode()
    assert "-2.00" in page.split("2026-02</a>")[1].split("</tr>")[0]


def test_the_annual_tables_fit_a_phone(client_for, office, town, computed):
    """Each table scrolls inside its own box, and the narrow screen keeps what matters in the first
    columns: a pool's state under its name, a case's kind under the cadre's."""
    import re

    services.case_save(
        actor=office, town=town, year=2026, cadre=computed[9], kind="veto", detail="x", veto_level=2
    )
    client = client_for(office)
    pages = {
        name: client.get(url).content.decode()
        for name, url in {
            "overview": _url("overview", town) + "?year=2026",
            "pool": _url("pool", town, 2026, POOL),
            "honours": _url("honours", town, 2026),
            "cases": _url("cases", town, 2026),
            "cadre": _url("cadre", town, 2026, computed[0].pk),
        }.items()
    }
    for name, page in pages.items():
        tables = re.findall(r'(<div class="table-responsive">\s*)?<table', page)
        assert tables and all(tables), name
    first_cell = pages["overview"].split(f"/pool/{POOL}/")[1].split("</td>")[0]
    assert "Up to date" in first_cell and "d-sm-none" in first_cell
    first_cell = pages["cases"].split("<tbody>")[1].split("</td>")[0]
    assert "locked at" in first_cell and "d-sm-none" in first_cell


def test_on_a_phone_each_month_of_the_cadre_page_is_a_card_of_named_values(
    client_for, office, town, computed
):
    """The month table is a .table-stack: every value carries its column's name (data-label), which
    the stylesheet shows beside it once the rows are stacked as cards on a narrow screen."""
    import re

    page = client_for(office).get(_url("cadre", town, 2026, computed[0].pk)).content.decode()
    before, after = page.split('id="months"')
    table = before.rsplit("<table", 1)[1] + after.split("</table>")[0]
    assert "table-stack" in table
    headers = re.findall(r"<th[^>]*>([^<]+)</th>", table.split("</thead>")[0])
    assert len(headers) == 8
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("</thead>")[1], flags=re.S)
    assert len(rows) == 3  # two months and the means
    for row in rows:
        assert re.search(r'<th scope="row"', row)  # the month (or the means) heads the card
        assert re.findall(r'<td[^>]*data-label="([^"]*)"', row) == headers[1:]


def test_the_cases_page_reads_each_locked_grade_in_the_same_query(
    client_for, office, town, computed, django_assert_num_queries
):
    for cadre in computed[7:]:
        services.case_save(
            actor=office, town=town, year=2026, cadre=cadre, kind="veto", detail="x", veto_level=2
        )
    client = client_for(office)
    client.get(_url("cases", town, 2026))
    with django_assert_num_queries(6):  # the same for one case or thirty
        page = client.get(_url("cases", town, 2026)).content.decode()
    assert page.count("locked at Basically competent (基本称职)") == 6  # three cases, both layouts
