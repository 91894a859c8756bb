"""`kaoping`: the command line of the application, a thin wrapper over Django's manage.py.

`kaoping --help` lists the application's own commands; `kaoping help` lists every command.
"""

import os
import sys

OWN_COMMANDS = {
    "serve": "serve the application (production server; --dev for Django's development server)",
    "demo": "load the demo town (once; --reset starts over) and print the demo accounts",
    "migrate": "create or upgrade the database tables",
    "verifyaudit": "verify the hash chain of the audit log",
    "checkballots": "check that a democratic-evaluation round's ballots reconcile with its used codes",
    "bench": "build a city-scale synthetic data set and time recomputes and pages (see docs/performance.md)",
    "benchballots": "time ballot submissions against the production server (docs/performance-ballots.md)",
    "compiletranslations": "compile the translation catalogues (.po -> .mo)",
    "createsuperuser": "create an operator account for Django's own tools",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaoping.settings")
    # Whatever the application writes (database, keys, anchors, exports) is for its own user only.
    os.umask(0o077)
    if len(argv) < 2 or argv[1] in {"-h", "--help"}:
        print("usage: kaoping <command> [options]\n\nKaoping commands:")
        for name, text in OWN_COMMANDS.items():
            print(f"  {name:<22}{text}")
        print("\n`kaoping help` lists every command; `kaoping help <command>` explains one.")
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kaoping", *argv[1:]])


if __name__ == "__main__":
    main()
