from dataclasses import dataclass
from functools import lru_cache, partial

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaoping.accounts.permissions import Action, can, can_anywhere, grants, towns_for


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    alone: str = ""  # the label when the link stands for its whole group (a group of one)


@dataclass(frozen=True)
class NavGroup:
    """A dropdown of the navigation bar: its links, in order."""

    key: str
    label: str
    links: tuple[NavLink, ...]


def navigation(request):
    """What the navigation bar needs: the current town and which sections the user may open."""
    user = getattr(request, "user", None)
    context = {"app_title": settings.KAOPING_TITLE, "site_urls": site_urls(get_script_prefix())}
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
            "yearbook": town is not None and can(user, Action.VIEW_YEARBOOK, town),
            "pay": town is not None and can(user, Action.VIEW_PAY, town),
            "users": town is not None and can(user, Action.MANAGE_USERS, town),
            "audit": can_anywhere(user, Action.VIEW_AUDIT_LOG),
            "towns": can_anywhere(user, Action.MANAGE_TOWNS),
        },
    )
    # Worked out only when base.html's fragment of the menu is not kept yet: the template engine
    # calls a callable variable when it reads it.
    context["nav_menu"] = partial(menu, context["nav"], town)
    # What the menu is made of, as the key of its rendered HTML (base.html's fragment cache).
    context["nav_key"] = (
        (town.slug if town is not None else "")
        + ":"
        + ",".join(f"{section}={value}" for section, value in context["nav"].items() if value)
    )
    return context


@lru_cache(maxsize=8)
def site_urls(_script_prefix: str) -> dict[str, str]:
    """The addresses every page links to (base.html), reversed once per script prefix: a `{% url %}`
    takes 60-90 µs, and base.html had six of them on every page."""
    names = ("home", "inbox:message_list", "accounts:password_change", "accounts:logout", "set_language")
    return {name.rpartition(":")[2]: reverse(name) for name in names}


def menu(nav: dict, town) -> tuple[NavLink | NavGroup, ...]:
    """The navigation bar's entries for the sections `nav` allows, in order: the daily work as links,
    the quarter's, the year's, the people's and the administrators' pages grouped in dropdowns (so
    that the English bar fits a 1366-pixel screen). A group with a single link is shown as that link;
    an empty one is left out.

    Every page shows it, rendered once per worker for everyone with the same `nav_key` (base.html's
    fragment cache): it is worked out here only when that fragment is not kept yet."""
    slug = town.slug if town is not None else None

    def link(allowed, label, name: str, *, town_wide: bool = True, alone="") -> list[NavLink]:
        if not allowed or (town_wide and slug is None):
            return []
        return [NavLink(label, reverse(name, args=[slug]) if town_wide else reverse(name), alone)]

    def group(key: str, label, links: list[NavLink]) -> list[NavLink | NavGroup]:
        if len(links) > 1:
            return [NavGroup(key, label, tuple(links))]
        return [NavLink(one.alone or one.label, one.url) for one in links]

    return (
        *link(nav["home"], _("Home"), "town_home"),
        *link(nav["months"], _("Monthly assessment"), "scoring:period_list"),
        *link(nav["records"], _("Monthly records"), "records:home"),
        *link(nav["supervision"], _("Supervision"), "supervision:home"),
        *group(
            "quarterly",
            pgettext_lazy("navigation", "Quarterly"),
            [
                *link(
                    nav["quarterly"],
                    pgettext_lazy("navigation", "Quarterly meetings"),
                    "quarterly:meeting_list",
                    alone=_("Quarterly"),
                ),
                *link(nav["evaluation"], _("Democratic evaluation"), "evaluation:round_list"),
            ],
        ),
        *link(nav["appeals"] == "list", pgettext_lazy("navigation", "Appeals"), "appeals:list"),
        *link(nav["appeals"] == "mine", pgettext_lazy("navigation", "Appeals"), "appeals:mine"),
        *group(
            "annual",
            pgettext_lazy("navigation", "Annual"),
            [
                *link(nav["annual"], pgettext_lazy("navigation", "Annual evaluation"), "annual:overview"),
                *link(nav["own_annual"], _("My year"), "annual:mine"),
                *link(nav["yearbook"], _("Annual report"), "yearbook:report"),
                *link(nav["pay"], _("Pay"), "pay:overview"),
            ],
        ),
        *group(
            "people",
            _("People"),
            [
                *link(nav["people"], _("Cadres"), "people:cadre_list"),
                *link(nav["people"], _("Departments"), "people:department_list"),
                *link(nav["people"], _("Villages"), "people:village_list"),
            ],
        ),
        *group(
            "admin",
            pgettext_lazy("navigation", "Administration"),
            [
                *link(nav["schemes"], _("Schemes"), "indicators:scheme_list"),
                *link(nav["users"], _("Users"), "accounts:user_list"),
                *link(nav["audit"], _("Audit log"), "audit:entry_list", town_wide=False),
                *link(nav["towns"], _("Towns"), "people:town_list", town_wide=False),
            ],
        ),
    )


def _my_towns(user, town) -> list:
    """The active towns the user may open (the navigation's town switch). A user whose roles are all
    in the town already read for the page (most users) needs no query for it."""
    held = {g.town_id for g in grants(user)}
    if town is not None and held == {town.pk}:
        return [town] if town.is_active and can(user, Action.VIEW_TOWN, town) else []
    return [t for t in towns_for(user).filter(is_active=True) if can(user, Action.VIEW_TOWN, t)]
