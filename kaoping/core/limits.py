"""The ranges of numbers people type, shared by models (validators) and forms (bounds)."""

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator

# The top of a small-integer column on every database: room enough for any count a person types.
SMALL_INT_MAX = 32767
# A display order: far more than any list needs.
SORT_ORDER_MAX = SMALL_INT_MAX
# The widest key column of the project (BigAutoField).
ID_MAX = 2**63 - 1

SORT_ORDER_VALIDATORS = [MinValueValidator(0), MaxValueValidator(SORT_ORDER_MAX)]

# A date a person types (a deadline, a meeting, a filter): the application's working years. Wider
# dates (0001-01-01, 9999-12-31) overflow the day arithmetic and the time-zone conversion on saving.
DATE_MIN = date(2000, 1, 1)
DATE_MAX = date(2100, 12, 31)
