"""The operator's language for the commands' output: from the shell's locale, else the site's."""

import os

from django.conf import settings


def operator_language() -> str:
    """`LANGUAGE`, `LC_ALL`, `LC_MESSAGES` or `LANG` (e.g. en_US.UTF-8, zh_CN.UTF-8), when it names a
    language the application speaks; the site's default language otherwise (also for C and POSIX)."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").split(":")[0].split(".")[0].lower()
        if value.startswith("zh"):
            return "zh-hans"
        if value.startswith("en"):
            return "en"
    return settings.LANGUAGE_CODE
