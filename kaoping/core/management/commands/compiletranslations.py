"""Compile the translation catalogues without GNU gettext, so setup needs only Python."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every .po catalogue under LOCALE_PATHS into the .mo file Django reads."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list the catalogues, write nothing")

    def handle(self, *args, dry_run: bool = False, **options):
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                self.stdout.write(f"{po_path} -> {mo_path.name}")
                if not dry_run:
                    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
