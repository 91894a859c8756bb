from django.utils.functional import SimpleLazyObject

from .services import unread_count


def inbox(request):
    """`inbox_unread`: the user's unread messages, counted (one query) only if a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": SimpleLazyObject(lambda: unread_count(user))}
