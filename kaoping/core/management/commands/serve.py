"""Serve Kaoping: gunicorn by default (as in production), Django's development server with --dev."""

import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from kaoping.core import serving
from kaoping.core.serving import bind_address, served_text


class Command(BaseCommand):
    help = "Serve the application on 127.0.0.1:8000 (or --bind, or the KAOPING_BIND environment variable)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            default=bind_address(),
            help="host:port to listen on (default: KAOPING_BIND, else 127.0.0.1:8000); "
            "0.0.0.0:8000 for every interface",
        )
        parser.add_argument("--workers", type=int, default=serving.workers())
        parser.add_argument("--threads", type=int, default=serving.threads())
        parser.add_argument("--dev", action="store_true", help="Django's auto-reloading development server")

    def handle(self, *args, bind: str, workers: int, threads: int, dev: bool, **options):
        self.stdout.write(f"Kaoping at {served_text(bind)}  (Ctrl+C stops it)")
        sys.stdout.flush()
        if dev:
            call_command("runserver", bind, use_reloader=True)
            return
        os.execvp(
            sys.executable,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "kaoping.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--access-logfile",
                "-",
                # No access-log line for the ballot pages (kaoping/core/quietlog.py).
                "--logger-class",
                "kaoping.core.quietlog.QuietBallotLogger",
                "--graceful-timeout",
                "10",
                *(["--reuse-port"] if serving.spreads_connections(bind) else []),
            ],
        )
