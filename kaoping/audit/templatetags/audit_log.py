from django import template

from kaoping.audit import selectors
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
