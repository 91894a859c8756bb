"""Who may download an attachment: the app that owns it says, through the permission policy.

The files app sits in the bottom layer and knows none of the apps above it. Each app whose objects
carry attachments registers, in its `AppConfig.ready()`, a function answering "may this user see the
object this attachment belongs to?" for its `owner_type`; that function asks
`kaoping.accounts.permissions` like every page of the app. An attachment of an unregistered owner
type is shown to nobody; one not yet attached only to whoever uploaded it.
"""

from collections.abc import Callable

from .models import Attachment

Checker = Callable[[object, Attachment], bool]
_CHECKERS: dict[str, Checker] = {}


def register(owner_type: str, checker: Checker) -> None:
    _CHECKERS[owner_type] = checker


def may_download(user, attachment: Attachment) -> bool:
    if not attachment.owner_type:
        return attachment.uploaded_by_id is not None and attachment.uploaded_by_id == user.pk
    checker = _CHECKERS.get(attachment.owner_type)
    return checker is not None and checker(user, attachment)
