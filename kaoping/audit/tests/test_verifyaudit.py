import io

import pytest
from django.core.management import call_command, execute_from_command_line
from django.db import connection

from kaoping.audit import triggers
from kaoping.audit.services import record


@pytest.fixture
def entries(town):
    return [record(actor=None, action="cadre.update", town=town, object_repr=f"干部{i}") for i in range(3)]


@pytest.mark.django_db
def test_it_reports_an_intact_chain_with_the_number_of_entries(entries):
    out = io.StringIO()
    call_command("verifyaudit", stdout=out)
    assert out.getvalue().splitlines()[0] == "3 entries checked: chain intact"


@pytest.mark.django_db
def test_it_exits_with_zero_when_the_chain_is_intact(entries, capsys):
    execute_from_command_line(["kaoping", "verifyaudit"])  # returns instead of sys.exit(1)
    assert "chain intact" in capsys.readouterr().out


@pytest.mark.django_db
def test_it_lists_each_break_and_exits_with_one(entries, tamper, capsys):
    tamper("UPDATE {table} SET note = %s WHERE id IN (%s, %s)", ["x", entries[0].pk, entries[2].pk])
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["kaoping", "verifyaudit"])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert f"entry #{entries[0].pk}: content does not match its hash" in err
    assert f"entry #{entries[2].pk}: content does not match its hash" in err
    assert "2 breaks" in err


@pytest.mark.django_db
def test_it_fails_when_the_triggers_are_gone(entries, capsys):
    triggers.remove(connection)
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["kaoping", "verifyaudit"])
    assert exit_.value.code == 1
    assert "trigger missing or disabled" in capsys.readouterr().err
