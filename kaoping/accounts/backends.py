"""The login backend: Django's own, reading a session's user together with their cadre record and
their roles.

Every page reads the user's roles (accounts.permissions) and every page a cadre opens their cadre
record (their grants name its town, the home page shows it): read in the same statement as the user,
they cost a join and a subquery instead of two more queries. The statement is built once
(core/reads.py): it runs at every request.
"""

from django.contrib.auth.backends import ModelBackend

from kaoping.core.reads import Read

from .models import User
from .permissions import ROLE_ROWS, keep_grants

_USER = Read(User, "t.id = %s", related=("cadre",), extra={"_role_rows": ROLE_ROWS})


class Backend(ModelBackend):
    def get_user(self, user_id):
        user = _USER.one(user_id)  # the session's id, already the key's type (auth.get_user)
        if user is None or not self.user_can_authenticate(user):
            return None
        keep_grants(user, user._role_rows)
        return user
