import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """A password must mix letters, digits and symbols."""

    def validate(self, password: str, user=None) -> None:
        has_letter = any(c.isalpha() and c.isascii() for c in password)
        has_digit = any(c.isdigit() for c in password)
        has_symbol = any(c in string.punctuation or (not c.isalnum() and not c.isspace()) for c in password)
        if not (has_letter and has_digit and has_symbol):
            raise ValidationError(
                _("The password must contain letters, digits and symbols."), code="password_classes"
            )

    def get_help_text(self) -> str:
        return _("Your password must contain letters, digits and symbols.")
