from django import forms, template

from kaoping.accounts import permissions

register = template.Library()


@register.filter
def bootstrap(field):
    """Render a bound field's widget with the Bootstrap class that fits it."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return field.as_widget()
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.simple_tag(takes_context=True)
def can(context, action: str, town=None) -> bool:
    """`{% can "manage_people" town as allowed %}`: ask the permission policy from a template."""
    return permissions.can(context["request"].user, action, town)
