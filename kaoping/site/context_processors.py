from django.conf import settings

from kaoping.accounts.permissions import Action, can, can_anywhere, grants, towns_for


def navigation(request):
    """What the navigation bar needs: the current town and which sections the user may open."""
    user = getattr(request, "user", None)
    context = {"app_title": settings.KAOPING_TITLE}
    if user is None or not user.is_authenticated:
        return context
    town = getattr(request, "town", None)
    context.update(
        current_town=town,
        my_towns=_my_towns(user, town),
        nav={
            "home": town is not None and can(user, Action.VIEW_TOWN, town),
            "people": town is not None and can(user, Action.VIEW_PEOPLE, town),
            "manage_people": town is not None and can(user, Action.MANAGE_PEOPLE, town),
            "schemes": town is not None and can(user, Action.VIEW_SCHEMES, town),
            "months": town is not None and can(user, Action.VIEW_PUBLISHED_RESULTS, town),
            "supervision": town is not None and can(user, Action.VIEW_BULLETINS, town),
            "records": town is not None
            and (can(user, Action.VIEW_RECORDS, town) or can(user, Action.VIEW_OWN_RECORDS, town)),
            "evaluation": town is not None and can(user, Action.VIEW_EVALUATION_RESULTS, town),
            "quarterly": town is not None and can(user, Action.VIEW_QUARTERLY, town),
            # The office's list of every objection and review, or a cadre's own.
            "appeals": town is not None
            and (
                "list"
                if can(user, Action.VIEW_APPEALS, town)
                else "mine"
                if can(user, Action.RAISE_APPEALS, town)
                else ""
            ),
            "annual": town is not None and can(user, Action.VIEW_ANNUAL, town),
            "own_annual": town is not None
            and not can(user, Action.VIEW_ANNUAL, town)
            and can(user, Action.VIEW_OWN_ANNUAL, town),
            "pay": town is not None and can(user, Action.VIEW_PAY, town),
            "users": town is not None and can(user, Action.MANAGE_USERS, town),
            "audit": can_anywhere(user, Action.VIEW_AUDIT_LOG),
            "towns": can_anywhere(user, Action.MANAGE_TOWNS),
        },
    )
    return context


def _my_towns(user, town) -> list:
    """The active towns the user may open (the navigation's town switch). A user whose roles are all
    in the town already read for the page (most users) needs no query for it."""
    held = {g.town_id for g in grants(user)}
    if town is not None and held == {town.pk}:
        return [town] if town.is_active and can(user, Action.VIEW_TOWN, town) else []
    return [t for t in towns_for(user).filter(is_active=True) if can(user, Action.VIEW_TOWN, t)]
