from kaoping.testing import site_in_english  # noqa: F401 (fixtures)

from .fixtures import area  # noqa: F401
