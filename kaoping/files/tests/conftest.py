from kaoping.testing import site_in_english  # noqa: F401 (fixtures)
