"""Scoring how an item was handled (pure: no database).

One item gives up to three lines for each of its owners: on time or late, the send-backs, and the
quality rated at verification. Co-owners receive the rules' share of each line. The lines are
kept apart so that a cadre's breakdown shows each reason.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Rules:
    on_time: Decimal
    late: Decimal
    per_send_back: Decimal
    quality: dict[str, Decimal]
    co_owner_share: Decimal  # percent


@dataclass(frozen=True)
class Handling:
    """The facts of one verified item that the rules score."""

    on_time: bool
    send_backs: int
    quality: str
    quality_label: str = ""


def item_lines(rules: Rules, handling: Handling) -> list[tuple[Decimal, str]]:
    """The (points, reason) lines an owner earns for one item, zero lines left out."""
    lines = [
        (rules.on_time, _("Result by the deadline"))
        if handling.on_time
        else (rules.late, _("Result after the deadline"))
    ]
    if handling.send_backs:
        lines.append(
            (
                rules.per_send_back * handling.send_backs,
                _("Sent back %(n)d times") % {"n": handling.send_backs},
            )
        )
    lines.append(
        (
            rules.quality.get(handling.quality, Decimal(0)),
            _("Quality: %(quality)s") % {"quality": handling.quality_label or handling.quality},
        )
    )
    return [(points, reason) for points, reason in lines if points != 0]


def share(points: Decimal, percent: Decimal) -> Decimal:
    """A co-owner's share of a line, rounded half-up to 2 places."""
    return (points * percent / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
