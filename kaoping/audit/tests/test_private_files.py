"""The data directory and everything the application keeps in it are for the service's user only."""

import os
import stat
import subprocess
import sys
from pathlib import Path

from kaoping.settings import private_dir, private_file


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_existing_world_readable_directory_and_file_are_made_private(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "kaoping.sqlite3").write_text("")
    (data / "kaoping.sqlite3").chmod(0o644)
    private_dir(data)
    private_file(data / "kaoping.sqlite3")
    assert (mode(data), mode(data / "kaoping.sqlite3")) == (0o700, 0o600)


def test_a_new_file_is_created_private_whatever_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        private_file(tmp_path / "new" / "file")
    finally:
        os.umask(old)
    assert (mode(tmp_path / "new"), mode(tmp_path / "new" / "file")) == (0o700, 0o600)


def test_a_fresh_data_directory_holds_nothing_others_can_read(tmp_path):
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "KAOPING_"))}
    env["KAOPING_DATA_DIR"] = str(data)
    for command in (["migrate", "-v0"], ["verifyaudit", "--anchor"]):
        subprocess.run(
            [sys.executable, "-m", "kaoping", *command], env=env, check=True, capture_output=True, umask=0o022
        )
    files = {p.name: mode(p) for p in data.iterdir() if p.is_file()}
    assert {"kaoping.sqlite3", "secret_key", "audit_key", "audit-anchors"} <= set(files)
    assert mode(data) == 0o700
    assert {name: m for name, m in files.items() if m != 0o600} == {}
