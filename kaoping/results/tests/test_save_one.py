"""A score saved recomputes only the saved cadres and ranks the population again from the others'
stored standings (`results._recompute_cadres`) when nothing else can differ; what it stores is
exactly what a recompute of the whole month stores (totals, ranks, group ranks, breakdowns,
digests), ties decided by the tie-break chain, vetoes and caps included. A cell whose indicator
couples the cadres (proportional to the best peer) recomputes the whole population."""

import random
from datetime import date
from decimal import Decimal

import pytest

from kaoping import testing
from kaoping.engine import engine
from kaoping.indicators.models import AdjustmentReason, Indicator, IndicatorWeight, RuleKind, VetoEffect
from kaoping.people.models import AgencyCategory
from kaoping.scoring import services
from kaoping.scoring.models import (
    Excusal,
    ExcuseReason,
    Period,
    ScoreEntry,
    ScoreSheet,
)
from kaoping.scoring.tests.conftest import make_scheme

from .. import results
from ..models import MonthlyResult, ResultBasis

pytestmark = pytest.mark.django_db

INDICATORS = [
    ("1.1", RuleKind.MANUAL, 10, {}),
    ("1.2", RuleKind.PASS_FAIL, 5, {}),
    ("1.3", RuleKind.VETO, 5, {"veto_effect": VetoEffect.ZERO_CATEGORY}),
    ("2.1", RuleKind.PER_OCCURRENCE, 4, {"points_each": Decimal(1)}),
    ("2.2", RuleKind.RANK, 6, {"ladder_step": Decimal(1)}),
    ("2.3", RuleKind.COMPLETION, 5, {"target": Decimal(100)}),
    ("2.4", RuleKind.RANK, 5, {"proportional": True}),
    ("2.5", RuleKind.VETO, 5, {"veto_effect": VetoEffect.CAP_GRADE}),
]
# Few values a kind, so that totals tie often and the tie-break chain decides.
VALUES = {
    "1.1": ["0", "5", "7.5", "10", None],
    "1.2": ["0", "1"],
    "1.3": ["1", "1", "1", "0"],
    "2.1": ["0", "1", "3", "5"],
    "2.2": ["1", "2", "3", "4"],
    "2.3": ["50", "80", "100", "120"],
    "2.4": ["40", "75.5", "100"],
    "2.5": ["1", "1", "1", "0"],
}
CHAINS = [[], ["performance"], ["democratic", "performance"], ["fewer_deductions", "bonus", "performance"]]


@pytest.fixture
def grid(town, personas, monkeypatch):
    """March of an agency scheme of every rule kind, 9 cadres in three pools; bonus and deduction
    caps by month and year, February's bonuses using up part of the year's; approved March shares;
    the quarter's democratic scores (some cadres without) and supervision points."""
    scheme = make_scheme(
        town,
        indicators=INDICATORS,
        bonus_cap_month=Decimal(3),
        bonus_cap_year=Decimal(4),
        deduction_cap_month=Decimal(5),
        deduction_cap_year=Decimal(6),
        democratic_share=Decimal("0.2"),
    )
    categories = [AgencyCategory.ESTABLISHED, AgencyCategory.NON_ESTABLISHED]
    cadres = [
        testing.make_cadre(town, f"干部{n}", 100 + n, agency_category=categories[n % 2]) for n in range(8)
    ]
    cadres.append(personas["cadre"].cadre)
    office, scorer = personas["assessment_office"], personas["scorer"]
    bonus = AdjustmentReason.objects.get(scheme=scheme, kind="bonus")
    deduction = AdjustmentReason.objects.get(scheme=scheme, kind="deduction")

    def share(period, reason, cadre, points):
        testing.approved_share(period, reason, cadre, points, by=office)

    february = Period.objects.create(town=town, month=date(2026, 2, 1))
    ScoreSheet.objects.create(period=february, scheme=scheme)
    share(february, bonus, cadres[0], "3")
    share(february, deduction, cadres[1], "4")
    results.period_recompute(february)
    march = services.period_open(actor=office, town=town, month=date(2026, 3, 1))
    share(march, bonus, cadres[0], "2.5")  # 1 left of the year's 4
    share(march, bonus, cadres[2], "1.25")
    share(march, deduction, cadres[1], "3")  # 2 left of the year's 6
    share(march, deduction, cadres[3], "1.5")
    democratic = {
        c.pk: Decimal(v) for c, v in zip(cadres, ["80", "92.5", "80", "75.25", "100"], strict=False)
    }
    process = {cadres[4].pk: [engine.ProcessPoint(7, Decimal("-1.5"), "逾期")]}
    monkeypatch.setattr(results, "month_inputs", lambda period: (democratic, process))
    sheet = march.sheets.get(scheme=scheme)
    return march, sheet, cadres, scorer


def _as_full(period) -> int:
    """Assert the stored rows and bases are exactly what a recompute of the whole month computes;
    returns how many rows were compared."""
    bases, rows = results.compute_month(period)
    stored = {
        values[0]: values[1:]
        for values in MonthlyResult.objects.filter(period=period).values_list(
            "cadre_id", "digest", *results.RESULT_FIELDS
        )
    }
    assert stored.keys() == {row.cadre_id for row in rows}
    for row in rows:
        results._as_stored(row)
        stored_digest, *values = stored[row.cadre_id]
        assert stored_digest == results.digest(row)
        computed = [getattr(row, name) for name in results.RESULT_FIELDS]
        assert values[:-1] == computed[:-1], row.cadre_id
        assert results._same_breakdown(values[-1], computed[-1])
    stored_bases = dict(ResultBasis.objects.filter(period=period).values_list("scheme_id", "basis"))
    assert {b.scheme_id: b.basis for b in bases} == stored_bases
    assert not results.plan(period, bases, rows, confirm=True)
    return len(rows)


@pytest.fixture
def narrow(monkeypatch):
    """Counts the saves done by recomputing only the saved cadres, and those that fell back."""
    counted = {"narrow": 0, "fallback": 0}
    real = results._recompute_cadres

    def counting(period, scheme, cells):
        scored = real(period, scheme, cells)
        counted["fallback" if scored is None else "narrow"] += 1
        return scored

    monkeypatch.setattr(results, "_recompute_cadres", counting)
    return counted


def _save(sheet, user, cells: list[tuple[int, Indicator, str | None]]) -> int:
    sheet = ScoreSheet.objects.select_related("period__town", "scheme").get(pk=sheet.pk)
    versions = {
        (e.cadre_id, e.indicator_id): e.version
        for e in ScoreEntry.objects.filter(sheet=sheet, cadre_id__in={c for c, _i, _v in cells})
    }
    return services.entries_save(
        actor=user,
        sheet=sheet,
        cells=[
            services.Cell(c, i.pk, "" if v is None else v, version=versions.get((c, i.pk), 0))
            for c, i, v in cells
        ],
    )


def _typed_in_full(sheet, user, cadres) -> dict[str, Indicator]:
    """Every cell of the sheet typed (1, and 100 for the completion indicator 2.3): the indicators by code."""
    indicators = {i.code: i for i in Indicator.objects.filter(scheme=sheet.scheme)}
    _save(
        sheet,
        user,
        [(c.pk, i, "1" if i.code != "2.3" else "100") for c in cadres for i in indicators.values()],
    )
    return indicators


@pytest.mark.parametrize("seed", range(6))
def test_saves_of_random_cells_store_what_a_whole_recompute_stores(grid, narrow, seed):
    period, sheet, cadres, scorer = grid
    rng = random.Random(seed)
    scheme = sheet.scheme
    scheme.tie_breaks = CHAINS[seed % len(CHAINS)]
    scheme.save(update_fields=["tie_breaks"])
    indicators = list(Indicator.objects.filter(scheme=scheme).order_by("code"))
    # The whole sheet typed at once (every cadre), then single and multi-cell saves.
    everything = [
        (c.pk, i, rng.choice([v for v in VALUES[i.code] if v is not None]))
        for c in cadres
        for i in indicators
    ]
    _save(sheet, scorer, everything)
    assert _as_full(period) == len(cadres)
    for _step in range(25):
        cells = {}
        for _cell in range(rng.choice([1, 1, 1, 2, 3])):
            cadre, indicator = rng.choice(cadres), rng.choice(indicators)
            cells[(cadre.pk, indicator.pk)] = (cadre.pk, indicator, rng.choice(VALUES[indicator.code]))
        _save(sheet, scorer, list(cells.values()))
        _as_full(period)
    assert narrow["narrow"] >= 10  # the local path was taken, and proven equal, many times
    assert narrow["fallback"] >= 1  # a proportional cell was met


def test_a_ranking_tie_decided_by_the_chain_moves_with_one_cadres_save(grid, narrow):
    """Two cadres tied on the total, the democratic score deciding; one save of the other moves both."""
    period, sheet, cadres, scorer = grid
    sheet.scheme.tie_breaks = ["democratic"]
    sheet.scheme.save(update_fields=["tie_breaks"])
    indicators = {i.code: i for i in Indicator.objects.filter(scheme=sheet.scheme)}
    every = [
        (c.pk, i, "1" if i.code not in ("2.3", "2.4") else "100") for c in cadres for i in indicators.values()
    ]
    _save(sheet, scorer, every)
    stored = dict(MonthlyResult.objects.filter(period=period).values_list("cadre_id", "rank"))
    _as_full(period)
    assert _save(sheet, scorer, [(cadres[6].pk, indicators["1.1"], "10")]) == 1
    assert narrow == {"narrow": 1, "fallback": 0}
    after = dict(MonthlyResult.objects.filter(period=period).values_list("cadre_id", "rank"))
    assert after[cadres[6].pk] == 1 and after != stored
    _as_full(period)


def test_a_cell_proportional_to_the_best_peer_recomputes_the_whole_population(grid, narrow):
    period, sheet, cadres, scorer = grid
    indicators = _typed_in_full(sheet, scorer, cadres)
    totals = dict(MonthlyResult.objects.filter(period=period).values_list("cadre_id", "total"))
    before = dict(narrow)
    _save(sheet, scorer, [(cadres[0].pk, indicators["2.4"], "100")])  # the best: every other's share drops
    assert narrow == {"narrow": before["narrow"], "fallback": before["fallback"] + 1}
    after = dict(MonthlyResult.objects.filter(period=period).values_list("cadre_id", "total"))
    assert all(after[c.pk] < totals[c.pk] for c in cadres[1:])  # every other cadre's row recomputed
    assert _as_full(period) == len(cadres)


def test_a_weight_changed_since_the_month_was_stored_recomputes_the_whole_population(grid, narrow):
    period, sheet, cadres, scorer = grid
    indicators = _typed_in_full(sheet, scorer, cadres)
    # A weight changed without the month being recomputed: the stored basis no longer matches.
    IndicatorWeight.objects.filter(indicator=indicators["1.2"]).update(weight=Decimal(30))
    before = dict(narrow)
    _save(sheet, scorer, [(cadres[1].pk, indicators["1.1"], "5")])
    assert narrow == {"narrow": before["narrow"], "fallback": before["fallback"] + 1}
    _as_full(period)


def test_a_cadre_excused_since_the_rows_were_stored_recomputes_the_whole_population(grid, narrow):
    period, sheet, cadres, scorer = grid
    indicators = _typed_in_full(sheet, scorer, cadres)
    # Marked not scored behind the results' back (a save of an excusal recomputes the scheme).
    Excusal.objects.create(sheet=sheet, cadre=cadres[5], reason=ExcuseReason.LEAVE, created_by=scorer)
    before = dict(narrow)
    _save(sheet, scorer, [(cadres[1].pk, indicators["1.1"], "5")])
    assert narrow == {"narrow": before["narrow"], "fallback": before["fallback"] + 1}
    assert not MonthlyResult.objects.filter(period=period, cadre=cadres[5]).exists()
    _as_full(period)
