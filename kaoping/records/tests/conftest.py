from .fixtures import area  # noqa: F401
