"""Excel exports of a closed round: the results, and the ballot box for audit (no link to codes)."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.core import spreadsheets as ss

from . import selectors
from .models import Ballot, Grade, RaterKind, Round, SubGrade


def _number(places: int) -> ss.Number:
    return ss.Number(places=places)


def results_sheet(rnd: Round) -> ss.Sheet:
    columns = [
        ss.Column("name", gettext_lazy("Name")),
        ss.Column("group", gettext_lazy("Population")),
        ss.Column("position", gettext_lazy("Position")),
        ss.Column("score", gettext_lazy("Democratic score"), _number(2)),
    ]
    for c in rnd.classes.all():
        columns.append(ss.Column(f"mean_{c.kind}", f"{c.get_kind_display()} · {_('mean')}", _number(2)))
        columns.append(ss.Column(f"rated_{c.kind}", f"{c.get_kind_display()} · {_('ratings')}", _number(0)))
    for grade, label in Grade.choices:
        columns.append(ss.Column(f"n_{grade}", label, _number(0)))
    for key, label in rnd.sub_item_rows():
        columns.append(ss.Column(f"sub_{key}", label, _number(2)))
    columns.append(ss.Column("note", gettext_lazy("Note")))
    return ss.Sheet(title=gettext_lazy("Democratic evaluation"), columns=tuple(columns))


def left_out_note(left_out: list[str]) -> str:
    if not left_out:
        return ""
    names = "、".join(str(RaterKind(k).label) for k in left_out)
    return _("No ratings from: %(classes)s; the other weights were renormalised.") % {"classes": names}


def results_rows(rnd: Round) -> list[dict]:
    rows = []
    for row in selectors.results(rnd):
        r = row.result
        values = {
            "name": row.cadre.name,
            "group": row.cadre.group_label,
            "position": row.cadre.position,
            "score": r.score,
            "note": left_out_note(r.left_out),
        }
        for kind, c in r.per_class.items():
            values[f"mean_{kind}"] = c["mean"] and Decimal(c["mean"])
            values[f"rated_{kind}"] = c["rated"]
        for grade in Grade.values:
            values[f"n_{grade}"] = r.distribution.get(grade, 0)
        for key, mean in r.sub_means.items():
            values[f"sub_{key}"] = mean and Decimal(mean)
        rows.append(values)
    return rows


def ballot_box(rnd: Round) -> tuple[ss.Sheet, list[dict]]:
    """One row per ballot, in the order of its random key: class and every rating, nothing else."""
    targets = list(rnd.targets.select_related("cadre"))
    grade_labels = dict(Grade.choices) | {k: v for k, v in SubGrade.choices}
    columns = [
        ss.Column("ballot", gettext_lazy("Ballot")),
        ss.Column("class", gettext_lazy("Rater class")),
    ]
    for t in targets:
        columns.append(ss.Column(f"{t.cadre_id}", t.cadre.name))
        for key, label in rnd.sub_item_rows():
            columns.append(ss.Column(f"{t.cadre_id}:{key}", f"{t.cadre.name} · {label}"))
    rows = []
    for ballot in Ballot.objects.filter(round=rnd).select_related("rater_class").order_by("id"):
        values = {"ballot": str(ballot.id), "class": ballot.rater_class.get_kind_display()}
        for t in targets:
            rating = ballot.ratings.get(str(t.cadre_id), {})
            values[f"{t.cadre_id}"] = str(grade_labels.get(rating.get("overall"), ""))
            for key, _label in rnd.sub_item_rows():
                values[f"{t.cadre_id}:{key}"] = str(grade_labels.get(rating.get(key), ""))
        rows.append(values)
    return ss.Sheet(title=gettext_lazy("Ballot box"), columns=tuple(columns)), rows
