"""Back up the database, the keys the data needs and a manifest into one file, while the service runs.

    kaoping backup /var/backups/kaoping/kaoping-2026-11-30.tar
    kaoping backup --dir /var/backups/kaoping      names the file kaoping-<date>-<time>.tar

The file appears under its name only when complete (written to a temporary name, synced, renamed).
It holds the secret key and the audit key: keep it as safe as the data directory (docs/operations.md).
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from kaoping.ops.archive import VENDORS, Refused
from kaoping.ops.backup import backup_create
from kaoping.ops.language import operator_language


class Command(BaseCommand):
    help = "Back up the database, its keys and a manifest into one file (online, consistent)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the backup file to write (must not exist)")
        parser.add_argument("--dir", help="write kaoping-<date>-<time>.tar into this directory instead")

    def handle(self, *args, **options):
        with translation.override(operator_language()):
            self.run(**options)

    def run(self, file: str | None = None, dir: str | None = None, **options):
        if bool(file) == bool(dir):
            raise CommandError(_("Give either a file name or --dir."))
        if dir:
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
            dest = Path(dir) / f"kaoping-{stamp}.tar"
        else:
            dest = Path(file)  # type: ignore[arg-type]
        try:
            manifest = backup_create(dest=dest)
        except Refused as refused:
            raise CommandError(str(refused)) from refused
        counts = manifest["row_counts"]
        self.stdout.write(
            _(
                "Backup written: %(file)s (%(size)d bytes): %(vendor)s database, %(tables)d "
                "tables, %(rows)d rows, keys: %(keys)s."
            )
            % {
                "file": dest.absolute(),
                "size": manifest["size"],
                "vendor": VENDORS[manifest["vendor"]],
                "tables": len(counts),
                "rows": sum(counts.values()),
                "keys": ", ".join(
                    m.removeprefix("keys/") for m in manifest["members"] if m.startswith("keys/")
                ),
            }
        )
