import subprocess
import sys

from kaoping.__main__ import OWN_COMMANDS, main


def test_help_lists_the_applications_commands(capsys):
    main(["kaoping", "--help"])
    out = capsys.readouterr().out
    for name in OWN_COMMANDS:
        assert name in out


def test_python_dash_m_kaoping_runs():
    result = subprocess.run(
        [sys.executable, "-m", "kaoping", "--help"], capture_output=True, text=True, check=True
    )
    assert "serve" in result.stdout and "demo" in result.stdout
