"""The publication window and the objection or review actions on a page that shows a result.

`{% load appeals %}{% month_appeals town period cadre result_id total %}` on the month's breakdown
(reports), with the result's id and total as the page read them ("" without a result): the reports app
sits beside this one in the layers and does not import it; the template asks (two queries: the town's
rules, the result's objections and reviews).
"""

from django import template
from django.utils import timezone

from kaoping.accounts.permissions import may_raise_appeal, may_read_appeal

from .. import monthly, selectors, services
from ..models import AppealStatus, Stage

register = template.Library()


@register.inclusion_tag("appeals/_month_panel.html", takes_context=True)
def month_appeals(context, town, period, cadre, result_id: str, total: str) -> dict:
    user = context["request"].user
    subject = monthly.for_result(town, period, cadre.pk, result_id=result_id, total=total)
    if subject is None:
        return {"subject": None}
    when = services.windows(subject, services.rules_for(town))
    today = timezone.localdate()
    readable = may_read_appeal(user, town, cadre_id=cadre.pk)
    appeals = selectors.for_subject(monthly.KEY, subject.id) if readable else []
    own = may_raise_appeal(user, town, cadre_id=cadre.pk)
    open_stages = {a.stage for a in appeals if a.status == AppealStatus.OPEN or a.stage == Stage.REVIEW}
    return {
        "town": town,
        "subject": subject,
        "when": when,
        "today": today,
        "appeals": appeals,
        "may_object": own
        and not services.raise_problem(user, subject, Stage.OBJECTION, when, today, open_stages),
        "may_review": own
        and not services.raise_problem(user, subject, Stage.REVIEW, when, today, open_stages),
        "kind": monthly.KEY,
    }
