"""The town's lagging rules: the article's defaults, each rule in words, and the list computed from the
published monthly results (read only from published months, whose results are frozen)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaoping.engine import lagging
from kaoping.engine import ranking as rules
from kaoping.engine.periods import quarter_months
from kaoping.indicators.models import Scheme, TieBreak
from kaoping.people.models import AgencyCategory, Population, Town
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import Excusal, Period, PeriodStatus

from .models import VILLAGE_HEADS, WHOLE_POPULATION, LaggingRule, Missing


def default_rules(town: Town) -> list[LaggingRule]:
    """The article's three rules (unsaved): leadership members last in each of 2 consecutive months,
    the bottom 5 agency cadres and the bottom 3 village heads in the quarter's last published month."""
    return [
        LaggingRule(
            town=town, population=Population.LEADERSHIP, bottom=1, consecutive=True, months=2, sort_order=1
        ),
        LaggingRule(
            town=town, population=Population.AGENCY, bottom=5, consecutive=False, months=2, sort_order=2
        ),
        LaggingRule(
            town=town,
            population=Population.VILLAGE,
            pool=VILLAGE_HEADS,
            bottom=3,
            consecutive=False,
            sort_order=3,
        ),
    ]


def town_rules(town: Town) -> tuple[list[LaggingRule], bool]:
    """The town's rules, or the article's defaults when it has saved none; and whether they are defaults."""
    saved = list(LaggingRule.objects.filter(town=town))
    return (saved, False) if saved else (default_rules(town), True)


def pool_choices() -> list[tuple[str, str]]:
    """(population:pool, label) for the rule form."""
    choices = [(f"{p}:", str(label)) for p, label in Population.choices]
    choices += [
        (f"{Population.AGENCY}:{c}", f"{Population.AGENCY.label} · {label}")
        for c, label in AgencyCategory.choices
    ]
    choices.append((f"{Population.VILLAGE}:{VILLAGE_HEADS}", str(_("Village heads"))))
    return choices


def who(rule: LaggingRule) -> str:
    """Whom a rule ranks, in words: "Leadership members", "Agency cadres · Established staff"."""
    if rule.pool == VILLAGE_HEADS:
        return _("Village heads")
    population = {
        Population.LEADERSHIP: _("Leadership members"),
        Population.AGENCY: _("Agency cadres"),
        Population.VILLAGE: _("Village cadres"),
    }[Population(rule.population)]
    if rule.pool:
        return f"{population} · {AgencyCategory(rule.pool).label}"
    return population


def describe(rule: LaggingRule) -> str:
    """A rule in words, as the configuration screen and the meeting's record say it."""
    place = (
        _("ranked last")
        if rule.bottom == 1
        else ngettext("ranked in the bottom %(k)d", "ranked in the bottom %(k)d", rule.bottom)
        % {"k": rule.bottom}
    )
    if rule.consecutive and rule.months > 1:
        when = _("in each of %(n)d consecutive months up to the quarter's last published month") % {
            "n": rule.months
        }
    else:
        when = _("in the quarter's last published month")
    missing = (
        _("A month without a result counts as not in the bottom: the cadre is not listed and is named apart.")
        if rule.missing == Missing.NOT_BOTTOM
        else _(
            "A month without a result is skipped: the cadre is listed if in the bottom in every other month."
        )
    )
    sentence = _("%(who)s %(place)s %(when)s.") % {"who": who(rule), "place": place, "when": when}
    return _("%(rule)s %(missing)s") % {"rule": sentence, "missing": missing}


def reading(rules_: list[LaggingRule]) -> str:
    """Which reading of the article's "consecutive months" is in force, in one sentence."""
    leadership = [r for r in rules_ if r.population == Population.LEADERSHIP]
    others = [r for r in rules_ if r.population != Population.LEADERSHIP and r.active]
    if others and all(r.consecutive and r.months > 1 for r in others):
        return _("Reading in force: “consecutive months” applies to every rule, the bottom-K rules included.")
    if any(r.consecutive and r.months > 1 for r in others):
        return _(
            "Reading in force: “consecutive months” applies to some of the bottom-K rules (see each rule)."
        )
    if leadership:
        return _(
            "Reading in force: “consecutive months” applies to the leadership members' rule only; "
            "the bottom-K "
            "rules look at the quarter's last published month."
        )
    return _("Reading in force: every rule looks at the quarter's last published month.")


def snapshot(rule: LaggingRule) -> dict:
    return {
        "population": rule.population,
        "pool": rule.pool,
        "bottom": rule.bottom,
        "consecutive": rule.consecutive,
        "months": rule.months,
        "missing": rule.missing,
        "active": rule.active,
    }


def rule_from(values: dict) -> LaggingRule:
    """A rule (unsaved) from its snapshot, to say it in words in the reader's language."""
    return LaggingRule(
        **{k: values[k] for k in ("population", "pool", "bottom", "consecutive", "months", "missing")}
    )


def short(values: dict) -> str:
    """A rule in a few words, for a row of the list: "Bottom 5 · 2 consecutive months"."""
    rule = rule_from(values)
    place = _("Last") if rule.bottom == 1 else _("Bottom %(k)d") % {"k": rule.bottom}
    if rule.consecutive and rule.months > 1:
        return _("%(who)s · %(place)s · %(n)d consecutive months") % {
            "who": who(rule),
            "place": place,
            "n": rule.months,
        }
    return _("%(who)s · %(place)s · the quarter's last published month") % {"who": who(rule), "place": place}


@dataclass
class Computed:
    """One rule's outcome over the town's published months, with the rule's words."""

    rule: LaggingRule
    text: str
    outcome: lagging.Outcome


def last_published_month(town: Town, year: int, quarter: int) -> tuple[date | None, list[date]]:
    """The quarter's last published month (None if none is) and every published month of the town."""
    published = list(
        Period.objects.filter(town=town, status=PeriodStatus.PUBLISHED).values_list("month", flat=True)
    )
    in_quarter = [m for m in published if m in set(quarter_months(year, quarter))]
    return (max(in_quarter) if in_quarter else None), published


def compute(
    town: Town, year: int, quarter: int, rules_: list[LaggingRule]
) -> tuple[date | None, list[Computed]]:
    """Every active rule's outcome for the quarter, from the published monthly results (a fixed number of
    queries: the months, the results, the excusals and the tie-break chains)."""
    last, published = last_published_month(town, year, quarter)
    active = [r for r in rules_ if r.active]
    if last is None or not active:
        return last, []
    windows = {r.pk or id(r): lagging.window(published, last, r.months_looked_at)[0] for r in active}
    months = sorted({m for w in windows.values() for m in w})
    populations = {r.population for r in active}
    fields = (
        "period__month",
        "cadre_id",
        "scheme__population",
        "group",
        "total",
        "performance",
        "bonus",
        "deduction",
        "democratic",
    )
    by_month: dict[tuple[date, str], list[tuple]] = defaultdict(list)
    for month, cadre_id, population, group, *values in MonthlyResult.objects.filter(
        period__town=town,
        period__status=PeriodStatus.PUBLISHED,
        period__month__in=months,
        scheme__population__in=populations,
    ).values_list(*fields):
        by_month[(month, population)].append((cadre_id, group, *values))
    absent: dict[tuple[date, str], dict[int, tuple[str, str, bool]]] = defaultdict(dict)
    for excusal in Excusal.objects.filter(
        sheet__period__town=town, sheet__period__month__in=months, sheet__scheme__population__in=populations
    ).select_related("sheet__period", "sheet__scheme", "cadre"):
        key = (excusal.sheet.period.month, excusal.sheet.scheme.population)
        absent[key][excusal.cadre_id] = (
            excusal.label,
            excusal.cadre.agency_category,
            excusal.cadre.is_village_head,
        )
    chains = {
        (y, p): [t for t in chain or [] if t in TieBreak.values]
        for y, p, chain in Scheme.objects.filter(town=town, year__in={m.year for m in months}).values_list(
            "year", "population", "tie_breaks"
        )
    }
    computed = []
    for rule in active:
        rankings = []
        for month in windows[rule.pk or id(rule)]:
            rows = [r for r in by_month[(month, rule.population)] if _in_pool(rule, r[1])]
            standings = [
                rules.Standing(cid, total, perf, dem, ded, bon)
                for cid, _g, total, perf, bon, ded, dem in rows
            ]
            missing = {
                cid: label
                for cid, (label, category, head) in absent[(month, rule.population)].items()
                if _member(rule, category, head)
            }
            rankings.append(
                lagging.rank_month(month, standings, chains.get((month.year, rule.population), []), missing)
            )
        engine_rule = lagging.Rule(rule.bottom, rule.months_looked_at, lagging.Missing(rule.missing))
        computed.append(Computed(rule, describe(rule), lagging.lagging_list(engine_rule, rankings)))
    return last, computed


def _in_pool(rule: LaggingRule, group: str) -> bool:
    return rule.pool == WHOLE_POPULATION or group == rule.pool


def _member(rule: LaggingRule, category: str, is_village_head: bool) -> bool:
    if rule.pool == WHOLE_POPULATION:
        return True
    if rule.pool == VILLAGE_HEADS:
        return is_village_head
    return category == rule.pool


def cadres_named(notes: list[dict], bases: list[list[dict]]) -> set[int]:
    """The cadres a list's notes and reasons name (the one named apart, the one above a tie-break)."""
    ids = {n["cadre"] for n in notes if n.get("kind") == "apart"}
    for lines in [*bases, *(n.get("lines", []) for n in notes)]:
        ids |= {line["decided_by"]["above_key"] for line in lines if line.get("decided_by")}
    return ids


def line_text(line: dict, names: dict[int, str]) -> str:
    """One month of a reason in words: "2026-03: rank 4 of 4, total 70.00"."""
    if line["rank"] is None:
        return _("%(month)s: no result (%(why)s)") % {"month": line["month"], "why": line["absent"]}
    text = _("%(month)s: rank %(rank)d of %(of)d, total %(total)s") % line
    decided = line.get("decided_by")
    if decided:
        criterion = TieBreak(decided["criterion"]).label if decided["criterion"] in TieBreak.values else ""
        text += _(
            "; same total as %(name)s, placed below by “%(criterion)s”: %(above)s %(sign)s %(mine)s"
        ) % {
            "name": names.get(decided["above_key"], "?"),
            "criterion": criterion,
            "above": decided["above"] or "—",
            "sign": decided["sign"],
            "mine": decided["mine"] or "—",
        }
    if line.get("tied_in"):
        text += _("; tied on every criterion across the boundary, so listed with the others tied")
    return text


def notes_text(notes: list[dict], names: dict[int, str]) -> list[str]:
    """What the list says besides its names: the months each rule looked at, ties that made a month
    list more than K, and the cadres named apart for a month without a result."""
    said = []
    for note in notes:
        kind = note.get("kind")
        if kind == "no_month":
            said.append(_("No month of the quarter is published yet: nobody is listed."))
        elif kind == "rule" and note["short"]:
            said.append(
                _("%(rule)s Fewer consecutive published months than the rule needs: it lists nobody.")
                % {"rule": describe(rule_from(note["rule"]))}
            )
        elif kind == "rule":
            said.append(
                _("%(rule)s Months looked at: %(months)s.")
                % {"rule": describe(rule_from(note["rule"])), "months": "、".join(note["months"])}
            )
        elif kind == "overflow":
            said.append(
                _(
                    "In %(month)s a tie on every criterion at the boundary puts %(count)d cadres "
                    "in the bottom places of: %(rule)s"
                )
                % {"month": note["month"], "count": note["count"], "rule": short(note["rule"])}
            )
        elif kind == "apart":
            lines = "；".join(line_text(line, names) for line in note["lines"])
            said.append(
                _(
                    "%(name)s is not listed: a month has no result, which counts as not in the bottom "
                    "(%(lines)s)."
                )
                % {"name": names.get(note["cadre"], "?"), "lines": lines}
            )
    return said
