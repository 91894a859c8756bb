"""One-time links to set a password after an administrator's reset (Django's token generator).

A token is signed with the secret key and the account's current password hash: it dies when the
password is set with it, when another reset replaces the password again, and after
PASSWORD_RESET_TIMEOUT (three days).
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class ResetTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "kaoping.accounts.tokens.ResetTokenGenerator"


reset_tokens = ResetTokenGenerator()
