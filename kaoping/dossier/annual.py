"""The dossier's section of the annual evaluation: the cadre's annual score, rank in pool and grade,
year by year, with three consecutive years of 优秀 flagged (三等功 eligibility). One query, through
the annual app's selectors."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.annual import scores
from kaoping.annual import selectors as annual
from kaoping.people.models import Cadre

from .sections import Section, Table, register


@dataclass
class AnnualRow:
    year: int
    score: str
    months: int
    pool: str
    rank: str
    grade: str
    merit: str


def load_annual(cadre: Cadre) -> list[AnnualRow]:
    """One query: the cadre's stored annual results, newest year first."""
    return [
        AnnualRow(
            year=y.year,
            score="—" if y.result.score is None else f"{y.result.score:.2f}",
            months=len(y.result.months),
            pool=scores.pool_label(y.result.pool),
            rank="—" if y.result.rank is None else str(y.result.rank),
            grade=y.result.grade or _("No grade"),
            merit=_("Third-class merit (三等功) eligible: %(years)s")
            % {"years": "、".join(map(str, y.merit_years))}
            if y.merit_years
            else "",
        )
        for y in reversed(annual.cadre_years(cadre))
    ]


def table_annual(rows: list[AnnualRow]) -> Table:
    return Table(
        headers=[
            _("Year"),
            _("Annual score"),
            _("Months counted"),
            _("Pool"),
            _("Rank in pool"),
            _("Grade"),
            "",
        ],
        rows=[[str(r.year), r.score, str(r.months), r.pool, r.rank, r.grade, r.merit] for r in rows],
        widths=[1.2, 1.6, 1.4, 3, 1.4, 3, 4],
    )


register(
    Section(
        key="annual",
        title=gettext_lazy("Annual scores and grades"),
        order=100,
        load=load_annual,
        table=table_annual,
        empty=gettext_lazy("No annual result yet."),
    )
)
