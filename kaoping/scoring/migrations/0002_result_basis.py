"""Results keep their month's basis once (`ResultBasis`) and each cadre only their raw values.

Results stored before this change held every line in full (`breakdown["lines"]`). They are
converted in place: the basis is rebuilt from those lines (names, weights in force, raw values, and
from them the peers' best values) with the indicators' rules and the scheme's scale, share and caps,
which are what the month was computed with, rules not being versioned; the cadre's values are
taken from their lines. Totals and ranks are left exactly as they were.
"""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models


def _text(value):
    return None if value is None else str(value)


def convert(apps, schema_editor):
    MonthlyResult = apps.get_model("scoring", "MonthlyResult")
    ResultBasis = apps.get_model("scoring", "ResultBasis")
    Indicator = apps.get_model("indicators", "Indicator")
    Scheme = apps.get_model("indicators", "Scheme")
    # One scheme-month at a time (300 rows at most in a town), so that a city's years of results
    # never sit in memory together.
    months = MonthlyResult.objects.order_by().values_list("period_id", "scheme_id").distinct()
    for period_id, scheme_id in list(months):
        group = [
            r
            for r in MonthlyResult.objects.filter(period_id=period_id, scheme_id=scheme_id).order_by("pk")
            if "lines" in r.breakdown
        ]
        if not group:
            continue
        scheme = Scheme.objects.get(pk=scheme_id)
        heads = {line["indicator"]: line for result in group for line in result.breakdown["lines"]}
        indicators = Indicator.objects.filter(pk__in=heads).order_by("pk")
        basis = {
            "indicators": [
                {
                    "id": i.pk,
                    "code": heads[i.pk]["code"],
                    "name": heads[i.pk]["name"],
                    "category_id": i.category_id,
                    "category": heads[i.pk]["category"],
                    "weight": heads[i.pk]["weight"],
                    "rule": {
                        "kind": i.rule_kind,
                        "max": str(i.max_score),
                        "target": _text(i.target),
                        "points_each": _text(i.points_each),
                        "cap": _text(i.cap),
                        "adds": i.adds,
                        "ladder_step": _text(i.ladder_step),
                        "proportional": i.proportional,
                        "veto_effect": i.veto_effect or "zero_category",
                    },
                }
                for i in indicators
            ],
            "best": {},
            "scale": str(scheme.scale),
            "democratic_share": str(scheme.democratic_share),
            "bonus_cap_month": _text(scheme.bonus_cap_month),
            "bonus_cap_year": _text(scheme.bonus_cap_year),
            "deduction_cap_month": _text(scheme.deduction_cap_month),
            "deduction_cap_year": _text(scheme.deduction_cap_year),
        }
        proportional = {i.pk for i in indicators if i.rule_kind == "rank" and i.proportional}
        best = {}
        for result in group:
            for line in result.breakdown["lines"]:
                if line["indicator"] in proportional and line["raw"] is not None:
                    value = line["raw"]
                    if line["indicator"] not in best or Decimal(value) > Decimal(best[line["indicator"]]):
                        best[line["indicator"]] = value
        basis["best"] = {str(k): v for k, v in sorted(best.items())}
        ResultBasis.objects.create(period_id=period_id, scheme_id=scheme_id, basis=basis)
        order = [i.pk for i in indicators]
        for result in group:
            raw = {line["indicator"]: line["raw"] for line in result.breakdown.pop("lines")}
            result.breakdown["values"] = [raw.get(pk) for pk in order]
        MonthlyResult.objects.bulk_update(group, ["breakdown"], batch_size=100)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0001_initial"),
        ("scoring", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ResultBasis",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("basis", models.JSONField()),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="bases", to="scoring.period"
                    ),
                ),
                (
                    "scheme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="indicators.scheme"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("period", "scheme"), name="basis_one_per_scheme_month")
                ],
            },
        ),
        migrations.RunPython(convert, migrations.RunPython.noop),
    ]
