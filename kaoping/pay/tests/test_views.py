"""Pay's pages: the plan with each amount and how it was reached, the workflow buttons, the Excel read
back, a cadre's own pay and nobody else's, another town's plan not found, the page's queries pinned."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from kaoping import testing
from kaoping.accounts.models import Role
from kaoping.pay import services
from kaoping.pay.models import PayLine, PayPlan, PlanKind, PlanStatus

from .conftest import values

pytestmark = pytest.mark.django_db
BONUS = PlanKind.NON_ESTABLISHED_BONUS


def _url(name, town, *, kind=BONUS, **extra):
    if name in ("pay:overview", "pay:mine"):
        return reverse(name, kwargs={"town": town.slug})
    return reverse(name, kwargs={"town": town.slug, "year": 2026, "kind": kind, **extra})


@pytest.fixture
def computed(graded, town, office):
    plan = services.plan_save(actor=office, town=town, year=2026, kind=BONUS, values=values(), based_on=None)
    return services.plan_compute(actor=office, plan=plan, based_on=plan.version)


@pytest.fixture
def approved(computed, office, leader):
    services.plan_move(actor=office, plan=computed, to=PlanStatus.SUBMITTED, based_on=computed.version)
    return services.plan_move(
        actor=leader, plan=computed, to=PlanStatus.APPROVED, based_on=computed.version, confirmed=True
    )


def test_the_plan_page_shows_each_amount_how_it_was_reached_and_the_total_equal_to_the_pool(
    computed, client_for, office, town
):
    page = client_for(office).get(_url("pay:plan", town)).content.decode()
    assert "2,790.70" in page and "1,162.79" in page
    assert 'id="total">10,000.00<' in page
    assert "The amounts add up to the pool exactly" in page
    assert "Weight 0.5 = coefficient of Qualified (合格) 1 × 1/2 months assessed (0.5)" in page
    assert "one of the cents left over" in page
    assert "Grade tiers" in page and "Excellent (优秀) 1.2" in page
    assert "Submit to the main leader" in page
    assert 'id="stale"' not in page


def test_the_excel_of_a_plan_not_yet_approved_says_it_is_not_for_payment(computed, client_for, office, town):
    response = client_for(office).get(_url("pay:plan_export", town))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A4"].value == "Draft: not approved, not for payment."


def test_the_office_saves_a_plan_from_the_page_with_full_width_digits(graded, client_for, office, town):
    form = {
        "pool": "１２０００。５０", "method": "tiers", "coefficient0": "1.2", "coefficient1": "1",
        "coefficient2": "0.6", "coefficient3": "0", "floor": "60", "by_year_share": "on",
    }  # fmt: skip
    response = client_for(office).post(_url("pay:plan", town), form)
    assert response.status_code == 302
    assert PayPlan.objects.get().pool == Decimal("12000.50")


@pytest.mark.parametrize(
    ("pool", "message"),
    [("12000.505", "At most 2 decimal places"), ("-5", "negative"), ("1e9", "exponent"), ("", "required")],
)
def test_a_bad_pool_is_refused_on_the_page_and_nothing_changes(
    computed, client_for, office, town, pool, message
):
    form = {"pool": pool, "method": "tiers", "coefficient0": "1", "coefficient1": "1", "coefficient2": "1",
            "coefficient3": "1", "floor": "60", "version": computed.version}  # fmt: skip
    response = client_for(office).post(_url("pay:plan", town), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    computed.refresh_from_db()
    assert computed.pool == Decimal("10000.00")


def test_the_main_leader_approves_with_a_confirmation_and_the_page_says_it_is_frozen(
    computed, client_for, office, leader, town
):
    client_for(office).post(_url("pay:plan_move", town, to="submitted"), {"version": computed.version})
    computed.refresh_from_db()
    client = client_for(leader)
    page = client.get(_url("pay:plan", town)).content.decode()
    assert "This cannot be undone." in page and "Approve the plan" in page
    client.post(_url("pay:plan_move", town, to="approved"), {"version": computed.version})  # not confirmed
    computed.refresh_from_db()
    assert computed.status == PlanStatus.SUBMITTED
    client.post(_url("pay:plan_move", town, to="approved"), {"version": computed.version, "confirmed": "1"})
    computed.refresh_from_db()
    assert computed.status == PlanStatus.APPROVED
    page = client_for(office).get(_url("pay:plan", town)).content.decode()
    assert 'id="frozen"' in page and "Compute the amounts" not in page and 'id="plan-form"' not in page
    response = client_for(office).post(
        _url("pay:plan_compute", town), {"version": computed.version}, follow=True
    )
    assert "frozen" in response.content.decode()


def test_the_submitter_holding_both_roles_is_told_why_they_cannot_approve(computed, client_for, office, town):
    from kaoping.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=office, role=Role.MAIN_LEADER, town=town)
    client = client_for(office)
    client.post(_url("pay:plan_move", town, to="submitted"), {"version": computed.version})
    page = client.get(_url("pay:plan", town)).content.decode()
    assert 'id="duties-apart"' in page and "Approve the plan" not in page


def test_the_excel_for_the_finance_office_reads_back_with_every_amount_and_the_total(
    approved, client_for, leader, town
):
    response = client_for(leader).get(_url("pay:plan_export", town))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    top = "\n".join(str(r[0]) for r in rows[:4])
    assert "Pool: 10,000.00 yuan" in top and "Grade tiers" in top and "Approved by main_leader" in top
    header = rows[5]
    assert header[:3] == ("Name", "Department or village", "Position") and "Amount (yuan)" in header
    amount = header.index("Amount (yuan)")
    body = {r[0]: r for r in rows[6:-1]}
    assert body["甲"][amount] == pytest.approx(2790.70) and body["甲"][3] == "Excellent (优秀)"
    assert rows[-1][0] == "Total" and Decimal(str(rows[-1][amount])) == Decimal("10000.00")
    assert sum(Decimal(str(r[amount])) for r in body.values() if r[amount] is not None) == Decimal("10000.00")
    ids = {c.id_number for c in approved.town.cadres.all()}
    assert not any(str(v) in ids for r in rows for v in r if v is not None)


def test_the_excel_amounts_are_numbers_that_excel_shows_grouped_by_three(approved, client_for, leader, town):
    response = client_for(leader).get(_url("pay:plan_export", town))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    amount = [c.value for c in rows[5]].index("Amount (yuan)")
    amounts = [r[amount] for r in rows[6:] if r[amount].value is not None]
    assert len(amounts) == 6  # five members paid, and the total
    for cell in amounts:
        assert cell.data_type == "n" and cell.number_format == "#,##0.00", cell.coordinate


def test_a_cadre_sees_their_own_pay_of_an_approved_plan_and_nobody_elses(approved, client, town, graded):
    someone = testing.make_user("jia", town=town, role=None, cadre=graded[0])
    client.force_login(someone)
    mine = client.get(_url("pay:mine", town)).content.decode()
    assert "2,790.70" in mine and "1,162.79" not in mine and "2,325.58" not in mine
    home = client.get(reverse("town_home", kwargs={"town": town.slug})).content.decode()
    assert 'id="my-pay"' in home and "2,790.70" in home and "1,395.35" not in home
    assert client.get(_url("pay:plan", town)).status_code == 403
    assert client.get(_url("pay:plan_export", town)).status_code == 403


def test_a_cadre_sees_nothing_of_a_plan_not_yet_approved(computed, client, town, graded):
    someone = testing.make_user("jia", town=town, role=None, cadre=graded[0])
    client.force_login(someone)
    mine = client.get(_url("pay:mine", town)).content.decode()
    assert "2,790.70" not in mine and "2790.70" not in mine and 'id="no-pay"' in mine
    assert 'id="my-pay"' not in client.get(reverse("town_home", kwargs={"town": town.slug})).content.decode()


def test_another_towns_plan_is_not_found(computed, client_for, personas, other_town, town):
    other_office = testing.make_user("other_office", town=other_town, role=Role.ASSESSMENT_OFFICE)
    client = client_for(other_office)
    for name in ("pay:plan", "pay:plan_export"):
        assert client.get(_url(name, town)).status_code == 404
    assert client.post(_url("pay:plan_compute", town), {"version": computed.version}).status_code == 404
    # Under their own town, this town's plan does not exist: the defaults, nothing computed.
    page = client.get(_url("pay:plan", other_town)).content.decode()
    assert "2,790.70" not in page and "2790.70" not in page


def test_garbage_in_the_address_is_not_found(computed, client_for, office, town):
    client = client_for(office)
    assert client.get(_url("pay:plan", town, kind="nothing")).status_code == 404
    assert client.post(_url("pay:plan_move", town, to="paid"), {"version": 1}).status_code == 404
    assert (
        client.get(reverse("pay:plan", kwargs={"town": town.slug, "year": 1999, "kind": BONUS})).status_code
        == 404
    )


def test_the_plan_page_reads_in_a_fixed_number_of_queries(
    computed, client_for, leader, town, django_assert_num_queries
):
    client = client_for(leader)
    client.get(_url("pay:plan", town))  # warm the session
    with django_assert_num_queries(13):  # 12, and whether the year is confirmed
        response = client.get(_url("pay:plan", town))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 5 + 1
    for n in range(10):
        testing.make_cadre(
            town, f"添{n}", 500 + n, agency_category="non_established"
        )  # ten more members, listed apart
    with django_assert_num_queries(13):  # 12, and whether the year is confirmed
        response = client.get(_url("pay:plan", town))
    assert response.status_code == 200 and 'id="stale"' in response.content.decode()
    assert PayLine.objects.filter(plan=computed).count() == 5


def test_the_overview_opens_on_the_latest_year_with_a_plan_else_the_latest_confirmed_year(
    client_for, office, town
):
    import time_machine

    from kaoping.annual.models import AnnualPublication

    from .conftest import confirm_year

    def opened() -> int:
        response = client.get(_url("pay:overview", town))
        assert response.status_code == 200
        return response.context["year"]

    with time_machine.travel("2027-03-01 10:00 +0800", tick=False):
        client = client_for(office)
        assert opened() == 2027  # nothing yet: the current year
        confirm_year(town, office, 2025)
        AnnualPublication.objects.create(
            town=town, year=2026, published_at="2027-02-01T09:00+08:00", published_by=office
        )
        assert opened() == 2025  # 2026 is published but not confirmed
        PayPlan.objects.create(town=town, year=2024, kind=BONUS)
        assert opened() == 2024  # a plan wins over the confirmed years
        PayPlan.objects.create(town=town, year=2025, kind=PlanKind.INSTITUTION_INCENTIVE)
        assert opened() == 2025
        page = client.get(_url("pay:overview", town)).content.decode()
        assert '<option value="2027">' in page  # the current year is still offered
        assert 'class="small text-muted text-nowrap mb-0" for="year"' in page  # "Year" on one line
        response = client.get(_url("pay:overview", town) + "?year=2027")
        assert response.context["year"] == 2027  # the year asked for is shown
