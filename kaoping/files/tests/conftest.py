import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """The messages are asserted in English; the zh-Hans catalogue is checked by core's tests."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
