import pytest

from kaoping import testing


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_audit_anchors(settings, tmp_path_factory):
    """Each test anchors the audit log in a file of its own, never in the data directory's."""
    settings.KAOPING_AUDIT_ANCHOR_FILE = tmp_path_factory.mktemp("anchors") / "audit-anchors"


@pytest.fixture(autouse=True)
def _own_files_dir(settings, tmp_path_factory):
    """Each test stores attachments in a directory of its own, never in the data directory's."""
    settings.KAOPING_FILES_DIR = tmp_path_factory.mktemp("files")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rolled-back rows give their ids to the next test's."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture
def town(db):
    return testing.make_town()


@pytest.fixture
def other_town(db):
    return testing.make_town(slug="nanhuang", name="南黄镇")


@pytest.fixture
def personas(town, other_town):
    return testing.make_personas(town, other_town)


@pytest.fixture
def office(personas):
    """The assessment office of `town`."""
    return personas["assessment_office"]


@pytest.fixture
def leader(personas):
    """The main leader (Party secretary) of `town`."""
    return personas["main_leader"]


@pytest.fixture
def client_for(client):
    """`client_for(user)`: the test client logged in as `user`."""

    def login(user):
        client.force_login(user)
        return client

    return login
