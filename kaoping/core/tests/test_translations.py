"""The Chinese catalogue is complete, consistent and up to date with the source."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUE = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{ ?\w+ ?\}\}")


def _entries():
    return [e for e in polib.pofile(str(CATALOGUE)) if not e.obsolete]


def test_every_message_has_a_chinese_translation():
    untranslated = [e.msgid for e in _entries() if not e.translated() or "fuzzy" in e.flags]
    assert untranslated == []


def test_translations_keep_every_placeholder():
    for entry in _entries():
        translations = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in translations:
            assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(text)), entry.msgid


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="GNU gettext is not installed (.ci/run installs it)"
)
def test_the_catalogue_holds_every_message_of_the_source(tmp_path):
    copy = tmp_path / "kaoping"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--no-location",
            "-i",
            "tests/*",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = {
        e.msgid for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po")) if not e.obsolete
    }
    current = {e.msgid for e in _entries()}
    assert sorted(fresh - current) == [], "run `make messages` and translate the new strings"
    assert sorted(current - fresh) == [], "run `make messages` to drop strings the source no longer uses"
