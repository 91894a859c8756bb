"""An indicator's rule in plain terms: which parameters each rule kind needs, the rule in words, and the
engine's `Rule`. No database here; the form, the Excel import and the services all check through
`problems`, so that each refuses exactly the same things.

The parameters live on `Indicator` (and on `services.IndicatorData`, an indicator being edited):
`max_score`, `rule_kind`, `target`, `points_each`, `cap`, `adds`, `ladder_step`, `proportional` and
`veto_effect`. Parameters that a kind does not use are cleared by `normalized`, never stored.
"""

from decimal import Decimal
from typing import Any, Protocol

from django.utils.translation import gettext as _

from kaoping.engine import engine
from kaoping.engine.engine import RuleKind, VetoEffect

PARAMETERS = ("target", "points_each", "cap", "adds", "ladder_step", "proportional", "veto_effect")
# Which parameters each kind reads; the others are blanked.
USED: dict[str, tuple[str, ...]] = {
    RuleKind.MANUAL: (),
    RuleKind.COMPLETION: ("target",),
    RuleKind.PASS_FAIL: (),
    RuleKind.PER_OCCURRENCE: ("points_each", "cap", "adds"),
    RuleKind.RANK: ("ladder_step", "proportional"),
    RuleKind.VETO: ("veto_effect",),
}
_BLANK: dict[str, Any] = {
    "target": None,
    "points_each": None,
    "cap": None,
    "adds": False,
    "ladder_step": None,
    "proportional": False,
    "veto_effect": "",
}


class RuleParameters(Protocol):
    max_score: Decimal | None
    rule_kind: str
    target: Decimal | None
    points_each: Decimal | None
    cap: Decimal | None
    adds: bool
    ladder_step: Decimal | None
    proportional: bool
    veto_effect: str


def normalized(params: RuleParameters) -> None:
    """Blank, in place, the parameters that the rule kind does not use."""
    used = USED.get(params.rule_kind, ())
    for name in PARAMETERS:
        if name not in used:
            setattr(params, name, _BLANK[name])
    if params.rule_kind == RuleKind.RANK and params.proportional:
        params.ladder_step = None


def problems(params: RuleParameters) -> dict[str, str]:
    """Every way the rule's parameters are unusable, as {field: message}; empty when they are fine."""
    found: dict[str, str] = {}
    kind = params.rule_kind
    if params.max_score is None or params.max_score <= 0:
        found["max_score"] = _("The maximum must be more than 0.")
    if kind not in set(RuleKind):
        found["rule_kind"] = _("Choose a rule.")
    elif kind == RuleKind.COMPLETION:
        if params.target is None or params.target <= 0:
            found["target"] = _("A completion rule needs a target greater than 0.")
    elif kind == RuleKind.PER_OCCURRENCE:
        if params.points_each is None or params.points_each <= 0:
            found["points_each"] = _("A per-occurrence rule needs the points per occurrence, greater than 0.")
        if params.cap is not None and params.cap <= 0:
            found["cap"] = _("The cap must be more than 0, or left empty to stop at the maximum.")
    elif kind == RuleKind.RANK:
        if not params.proportional and (params.ladder_step is None or params.ladder_step <= 0):
            found["ladder_step"] = _(
                "A rank ladder needs the points lost per place, greater than 0 "
                "(or choose “proportional to the best”)."
            )
    elif kind == RuleKind.VETO and params.veto_effect not in set(VetoEffect):
        found["veto_effect"] = _("A veto needs its effect: zero the category, or cap the grade.")
    return found


def number(value: Decimal | None) -> str:
    """A decimal as a person writes it: 7 rather than 7.00, 0.5 rather than 0.50."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def describe(params: RuleParameters) -> str:
    """The rule in one sentence, e.g. "4, less 1 per occurrence, at most 3 deducted." """
    kind = params.rule_kind
    top = number(params.max_score)
    if kind == RuleKind.MANUAL:
        return _("Scored by hand, from 0 to %(max)s.") % {"max": top}
    if kind == RuleKind.COMPLETION:
        return _("Completion of a target of %(target)s: %(max)s × achieved ÷ target, at most %(max)s.") % {
            "target": number(params.target),
            "max": top,
        }
    if kind == RuleKind.PASS_FAIL:
        return _("Passed: %(max)s; failed: 0.") % {"max": top}
    if kind == RuleKind.PER_OCCURRENCE:
        limit = params.max_score if params.cap is None else min(params.cap, params.max_score or params.cap)
        values = {"each": number(params.points_each), "limit": number(limit), "max": top}
        if params.adds:
            return _("%(each)s per occurrence, up to %(limit)s.") % values
        return _("%(max)s, less %(each)s per occurrence, at most %(limit)s deducted.") % values
    if kind == RuleKind.RANK:
        if params.proportional:
            return _("%(max)s × value ÷ the best value among peers.") % {"max": top}
        step = params.ladder_step or Decimal(0)
        top_value = params.max_score or Decimal(0)
        return _("1st place %(max)s, each place below %(step)s less (2nd %(second)s, 3rd %(third)s).") % {
            "max": top,
            "step": number(step),
            "second": number(max(Decimal(0), top_value - step)),
            "third": number(max(Decimal(0), top_value - 2 * step)),
        }
    if kind == RuleKind.VETO:
        if params.veto_effect == VetoEffect.CAP_GRADE:
            return _("Veto (一票否决): a failure caps the grade (no honours that year).")
        return _("Veto (一票否决): a failure zeroes the whole category.")
    return ""


def engine_rule(params: RuleParameters) -> engine.Rule:
    """The engine's `Rule` for these parameters (which `problems` has accepted)."""
    return engine.Rule(
        kind=engine.RuleKind(params.rule_kind),
        max_score=params.max_score or Decimal(0),
        target=params.target,
        points_each=params.points_each,
        cap=params.cap,
        adds=params.adds,
        ladder_step=params.ladder_step,
        proportional=params.proportional,
        veto_effect=engine.VetoEffect(params.veto_effect or engine.VetoEffect.ZERO_CATEGORY),
    )
