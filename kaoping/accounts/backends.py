"""The login backend: Django's own, reading a session's user together with their cadre record.

Every page a cadre opens reads their cadre record (their grants name its town, the home page shows
it): read in the same statement as the user, it costs a join instead of a second query. The
statement is built once (core/reads.py): it runs at every request.
"""

from django.contrib.auth.backends import ModelBackend

from kaoping.core.reads import Read

from .models import User

_USER = Read(User, "t.id = %s", related=("cadre",))


class Backend(ModelBackend):
    def get_user(self, user_id):
        user = _USER.one(user_id)  # the session's id, already the key's type (auth.get_user)
        return user if user is not None and self.user_can_authenticate(user) else None
