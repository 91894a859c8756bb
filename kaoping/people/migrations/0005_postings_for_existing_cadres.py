"""Every existing cadre gets one posting with their current facts.

It starts on the first month they have a score entry or a monthly result, or on the month they were
created if that is earlier; for a cadre who has left it ends on the day they left (or on the first
day of their last scored month, if that came later, so that every month already computed finds
them again).
"""

from datetime import date

from django.db import migrations
from django.db.models import Max, Min

FIELDS = (
    "population",
    "agency_category",
    "department_id",
    "village_id",
    "is_village_head",
    "is_middle_level",
    "position",
)


def _months(rows) -> dict[int, tuple[date | None, date | None]]:
    return {row["cadre_id"]: (row["first"], row["last"]) for row in rows}


def add_postings(apps, schema_editor):
    Cadre = apps.get_model("people", "Cadre")
    Posting = apps.get_model("people", "Posting")
    ScoreEntry = apps.get_model("scoring", "ScoreEntry")
    MonthlyResult = apps.get_model("scoring", "MonthlyResult")
    entries = _months(
        ScoreEntry.objects.values("cadre_id").annotate(
            first=Min("sheet__period__month"), last=Max("sheet__period__month")
        )
    )
    results = _months(
        MonthlyResult.objects.values("cadre_id").annotate(first=Min("period__month"), last=Max("period__month"))
    )
    have_posting = set(Posting.objects.values_list("cadre_id", flat=True))
    postings = []
    for cadre in Cadre.objects.exclude(pk__in=have_posting).iterator():
        scored = [d for d in (*entries.get(cadre.pk, ()), *results.get(cadre.pk, ())) if d is not None]
        starts_on = min([*scored, cadre.created_at.date()]).replace(day=1)
        ends_on = None
        if not cadre.is_active:
            ends_on = max([cadre.deactivated_on or cadre.updated_at.date(), *scored, starts_on])
        postings.append(
            Posting(
                town_id=cadre.town_id,
                cadre_id=cadre.pk,
                starts_on=starts_on,
                ends_on=ends_on,
                **{field: getattr(cadre, field) for field in FIELDS},
            )
        )
    Posting.objects.bulk_create(postings, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_posting"),
        ("scoring", "0004_score_versions_and_cadres_not_scored"),
    ]

    operations = [migrations.RunPython(add_postings, migrations.RunPython.noop)]
