"""The basis of a month's results, and a cadre's breakdown explained again from it.

A month's results of one scheme are computed from the scheme as in force that month (indicators with
their names, rules and weights; the scale, the democratic share and the caps) and, for proportional
rank indicators, the best value among the peers. That basis is stored once per scheme and month
(`ResultBasis`), and each cadre's stored breakdown keeps only what is theirs: their raw values, in
the basis's order, the bonus, deduction and supervision lines, the totals, vetoes and notes.

The breakdown page explains every point by handing the stored basis and the cadre's stored values to
the engine again: the engine is pure, so its lines (share of full marks, points, what the rule did,
vetoed or not) are those the month was computed with, and the page checks that the performance they
add up to is the one stored.
"""

from decimal import Decimal

from kaoping.engine import engine

Heads = dict[int, tuple[str, str, str]]  # indicator id → (code, name, category name)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _rule(rule: engine.Rule) -> dict:
    return {
        "kind": str(rule.kind),
        "max": str(rule.max_score),
        "target": _text(rule.target),
        "points_each": _text(rule.points_each),
        "cap": _text(rule.cap),
        "adds": rule.adds,
        "ladder_step": _text(rule.ladder_step),
        "proportional": rule.proportional,
        "veto_effect": str(rule.veto_effect),
    }


def dump(version: engine.SchemeVersion, heads: Heads, best: dict[int, Decimal]) -> dict:
    """The basis as stored (JSON): indicators in the engine's order (by id)."""
    indicators = []
    for spec in sorted(version.indicators, key=lambda s: s.id):
        code, name, category = heads[spec.id]
        indicators.append(
            {
                "id": spec.id,
                "code": code,
                "name": name,
                "category_id": spec.category_id,
                "category": category,
                "weight": str(spec.weight),
                "rule": _rule(spec.rule),
            }
        )
    return {
        "indicators": indicators,
        "best": {str(k): str(v) for k, v in sorted(best.items())},
        "scale": str(version.scale),
        "democratic_share": str(version.democratic_share),
        "bonus_cap_month": _text(version.bonus_cap_month),
        "bonus_cap_year": _text(version.bonus_cap_year),
        "deduction_cap_month": _text(version.deduction_cap_month),
        "deduction_cap_year": _text(version.deduction_cap_year),
    }


def order(version: engine.SchemeVersion) -> list[int]:
    """The indicator ids in the order a cadre's stored values follow (that of `dump`)."""
    return sorted(spec.id for spec in version.indicators)


def load(basis: dict) -> tuple[engine.SchemeVersion, dict[int, Decimal]]:
    """The scheme version and the peers' best values back from a stored basis."""
    specs = []
    for item in basis["indicators"]:
        rule = item["rule"]
        specs.append(
            engine.IndicatorSpec(
                id=item["id"],
                category_id=item["category_id"],
                weight=Decimal(item["weight"]),
                rule=engine.Rule(
                    kind=engine.RuleKind(rule["kind"]),
                    max_score=Decimal(rule["max"]),
                    target=_number(rule["target"]),
                    points_each=_number(rule["points_each"]),
                    cap=_number(rule["cap"]),
                    adds=rule["adds"],
                    ladder_step=_number(rule["ladder_step"]),
                    proportional=rule["proportional"],
                    veto_effect=engine.VetoEffect(rule["veto_effect"]),
                ),
                name=item["name"],
                category_name=item["category"],
            )
        )
    version = engine.SchemeVersion(
        indicators=tuple(specs),
        scale=Decimal(basis["scale"]),
        democratic_share=Decimal(basis["democratic_share"]),
        bonus_cap_month=_number(basis["bonus_cap_month"]),
        bonus_cap_year=_number(basis["bonus_cap_year"]),
        deduction_cap_month=_number(basis["deduction_cap_month"]),
        deduction_cap_year=_number(basis["deduction_cap_year"]),
    )
    return version, {int(k): Decimal(v) for k, v in basis["best"].items()}


class Mismatch(Exception):
    """Stored values no longer add up to the stored performance: the row was changed behind the
    application's back (or by a different engine)."""


def explain(basis: dict, breakdown: dict, cadre_id: int, performance: Decimal) -> list[dict]:
    """Every indicator line of a cadre's month, worked out again by the engine from the stored basis
    and the cadre's stored values, in the engine's order.

    Raises Mismatch when the lines do not add up to the stored `performance` (4 places, as stored).
    """
    version, best = load(basis)
    entries = [
        engine.Entry(cadre_id, indicator_id, Decimal(text))
        for indicator_id, text in zip(order(version), breakdown["values"], strict=True)
        if text is not None
    ]
    result = engine.compute(version, [cadre_id], entries, best=best)[cadre_id]
    if result.performance.quantize(Decimal("0.0001")) != performance:
        raise Mismatch(f"{result.performance} != {performance}")
    heads = {item["id"]: item for item in basis["indicators"]}
    return [
        {
            "indicator": line.indicator_id,
            "code": heads[line.indicator_id]["code"],
            "name": heads[line.indicator_id]["name"],
            "category": heads[line.indicator_id]["category"],
            "rule": heads[line.indicator_id]["rule"]["kind"],
            "max": heads[line.indicator_id]["rule"]["max"],
            "weight": heads[line.indicator_id]["weight"],
            "raw": _text(line.raw),
            "fraction": str(line.fraction),
            "points": str(line.points),
            "note": line.note,
            "vetoed": line.vetoed,
        }
        for line in result.lines
    ]
