from pathlib import Path

from kaoping.people import demo

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_readme_starts_with_the_two_commands():
    text = README.read_text()
    first_block = text.split("```")[1]
    assert first_block.strip().splitlines()[0].startswith("make run")
    assert first_block.strip().splitlines()[1].startswith("make test")


def test_the_readme_lists_every_demo_account_and_the_password():
    text = README.read_text()
    assert demo.DEMO_PASSWORD in text
    for account in demo.DEMO_ACCOUNTS:
        assert f"`{account.username}`" in text
