"""The login backend: Django's own, reading a session's user together with their cadre record.

Every page a cadre opens reads their cadre record (their grants name its town, the home page shows
it): read in the same statement as the user, it costs a join instead of a second query.
"""

from django.contrib.auth.backends import ModelBackend

from .models import User


class Backend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("cadre").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
