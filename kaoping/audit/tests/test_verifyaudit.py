import io

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
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


@pytest.mark.django_db
def test_anchor_appends_the_head_once_the_log_is_intact(entries):
    from kaoping.audit import anchors, keys

    out = io.StringIO()
    call_command("verifyaudit", "--anchor", stdout=out)
    [line] = anchors.read(keys.read())[0]
    assert (line.count, line.head) == (3, entries[-1].hash)
    call_command("verifyaudit", stdout=out)
    assert "1 anchors checked: all hold" in out.getvalue()


@pytest.mark.django_db
def test_an_emptied_log_fails_against_its_anchor(entries, tamper, capsys):
    from kaoping.audit.models import AuditHead

    call_command("verifyaudit", "--anchor", stdout=io.StringIO())
    tamper("DELETE FROM {table}")
    AuditHead.objects.all().delete()
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["kaoping", "verifyaudit"])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "anchor: The log has 0 entries, but 3 were anchored" in err
    assert "0 entries and 1 anchors checked: 0 breaks, 1 anchor problems" in err


@pytest.mark.django_db
def test_a_broken_log_is_not_anchored(entries, tamper):
    from kaoping.audit import anchors

    tamper("UPDATE {table} SET note = %s WHERE id = %s", ["x", entries[0].pk])
    with pytest.raises(CommandError):
        call_command("verifyaudit", "--anchor", stdout=io.StringIO(), stderr=io.StringIO())
    assert not anchors.exists()
