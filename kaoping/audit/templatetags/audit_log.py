from django import template

from kaoping.audit import actions, selectors
from kaoping.audit.models import AuditEntry

register = template.Library()


@register.filter
def object_type_label(object_type: str) -> str:
    """`{{ entry.object_type|object_type_label }}`: "cadre" for "people.cadre"."""
    return selectors.object_type_label(object_type)


@register.filter
def changed_fields(entry: AuditEntry) -> str:
    """The names of the fields an entry changed, for a one-line summary in the list."""
    return ", ".join(c.label for c in selectors.changes(entry) if c.changed)


@register.filter
def verb_label(action: str) -> str:
    """`{{ entry.action|verb_label }}`: "changed" for "cadre.update"."""
    return actions.verb_label(action)
