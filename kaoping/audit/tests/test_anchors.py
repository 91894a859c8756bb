"""The audit log held to its anchors outside the database: emptied, rewritten or cut logs are found.

Each attack is played as someone who can change the database as its owner (triggers lifted, the
head row adjusted) and who has the application's code, but not the data directory's key.
"""

from datetime import date

import pytest
from django.db import connection

from kaoping.audit import anchors, chain, keys, services
from kaoping.audit.models import AuditEntry, AuditHead
from kaoping.audit.selectors import chain_report
from kaoping.audit.services import _hash_fields, record
from kaoping.results.services import period_move
from kaoping.scoring.models import Period, PeriodStatus


@pytest.fixture
def entries(town):
    return [
        record(
            actor=None, action="cadre.update", town=town, object_repr=f"干部{i}", new={"position": f"副科{i}"}
        )
        for i in range(5)
    ]


def problems() -> list[str]:
    return [str(p) for p in chain_report().anchor_problems]


def rechain(tamper, *, from_position: int = 1, plain: bool = False) -> None:
    """Recompute every hash from `from_position` with the application's own code and move the head.

    Without the key the forger can only use plain SHA-256 (`plain`): either marking the entries
    as written before the key, or leaving them marked keyed.
    """
    rows = list(AuditEntry.objects.order_by("id"))
    previous = rows[from_position - 2].hash if from_position > 1 else chain.GENESIS
    for entry in rows[from_position - 1 :]:
        if plain:
            entry.chain_version = None
        entry.prev_hash = previous
        entry.hash = chain.entry_hash(previous, _hash_fields(entry))
        tamper(
            "UPDATE {table} SET prev_hash = %s, hash = %s, chain_version = %s WHERE id = %s",
            [entry.prev_hash, entry.hash, entry.chain_version, entry.pk],
        )
        previous = entry.hash
    AuditHead.objects.filter(pk=1).update(last_hash=previous, count=len(rows))


@pytest.mark.django_db
def test_an_anchored_intact_log_verifies(entries):
    services.anchor_now(reason="test")
    report = chain_report()
    assert report.intact and report.anchors_checked == 1 and report.checked == 5


@pytest.mark.django_db
def test_an_emptied_log_is_not_reported_intact(entries, tamper):
    services.anchor_now(reason="cron")
    tamper("DELETE FROM {table}")
    AuditHead.objects.all().delete()
    report = chain_report()
    assert report.checked == 0 and not report.intact
    assert problems() == [
        f"The log has 0 entries, but 5 were anchored on {anchors.read(keys.read())[0][0].at} (cron): "
        "entries were removed."
    ]


@pytest.mark.django_db
def test_a_rewritten_entry_rehashed_with_the_applications_code_is_found(entries, tamper):
    services.anchor_now(reason="cron")
    tamper("UPDATE {table} SET new = %s WHERE id = %s", ['{"position": "正科"}', entries[1].pk])
    rechain(tamper, from_position=2, plain=False)
    reasons = [(b.entry_id, b.reason) for b in chain_report().breaks]
    assert (entries[1].pk, "content does not match its hash") in reasons


@pytest.mark.django_db
def test_a_log_rewritten_as_if_written_before_the_key_breaks_its_anchor(entries, tamper):
    services.anchor_now(reason="cron")
    tamper("UPDATE {table} SET new = %s WHERE id = %s", ['{"position": "正科"}', entries[1].pk])
    rechain(tamper, plain=True)
    report = chain_report()
    assert report.breaks == []  # a plain chain, consistent in itself
    assert not report.intact
    assert problems()[0].startswith(f"Entry #{entries[4].pk} is not the entry anchored at position 5")


@pytest.mark.django_db
def test_a_cut_tail_with_the_head_moved_back_is_found(entries, tamper):
    services.anchor_now(reason="cron")
    tamper("DELETE FROM {table} WHERE id IN (%s, %s)", [entries[3].pk, entries[4].pk])
    AuditHead.objects.filter(pk=1).update(last_hash=entries[2].hash, count=3)
    assert chain_report().breaks == []
    [problem] = problems()
    assert problem.startswith("The log has 3 entries, but 5 were anchored") and "removed" in problem


@pytest.mark.django_db
def test_an_edited_anchor_line_is_found(entries):
    services.anchor_now(reason="cron")
    text = anchors.path().read_text().replace("\t5\t", "\t3\t")
    anchors.path().write_text(text)
    assert problems() == ["Line 1 of the anchor file was altered or was not written by this application."]


@pytest.mark.django_db
def test_a_demo_reset_is_reported_and_the_emptied_logs_anchors_set_aside(
    entries, django_capture_on_commit_callbacks
):
    services.anchor_now(reason="cron")
    with django_capture_on_commit_callbacks(execute=True):
        services.record_reset(reason="kaoping demo --reset")
    report = chain_report()
    assert report.intact and report.anchors_checked == 0
    [notice] = [str(n) for n in report.notices]
    assert "emptied on purpose" in notice and "5 entries before" in notice


@pytest.mark.django_db
def test_the_anchor_file_is_appended_to_only_and_private(entries):
    services.anchor_now(reason="one")
    first = anchors.path().read_text()
    services.anchor_now(reason="two")
    assert anchors.path().read_text().startswith(first)
    assert len(anchors.path().read_text().splitlines()) == 2
    assert anchors.path().stat().st_mode & 0o777 == 0o600


@pytest.fixture
def closed_month(town):
    return Period.objects.create(town=town, month=date(2026, 3, 1), status=PeriodStatus.CLOSED)


@pytest.mark.django_db
def test_publishing_a_month_anchors_the_head_in_the_month_and_the_file(
    personas, closed_month, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        period = period_move(
            actor=personas["assessment_office"],
            period=closed_month,
            to=PeriodStatus.PUBLISHED,
            confirmed=True,
        )
    head = AuditHead.objects.get()
    assert period.audit_anchor == f"{head.count}:{head.last_hash}"
    assert Period.objects.get(pk=period.pk).audit_anchor == period.audit_anchor
    # The log's first keyed write anchored it too.
    first, line = anchors.read(keys.read())[0]
    assert (line.count, line.head) == (
        head.count,
        head.last_hash,
    ) and "published xiacun 2026-03" in line.reason
    assert (first.count, first.reason) == (head.count, "the log is keyed from here on")
    report = chain_report()
    assert report.intact and report.anchors_checked == 3


@pytest.mark.django_db
def test_a_publication_that_rolls_back_leaves_no_anchor(personas, closed_month):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        period_move(
            actor=personas["assessment_office"],
            period=closed_month,
            to=PeriodStatus.PUBLISHED,
            confirmed=True,
        )
        raise RuntimeError
    assert not anchors.exists()


@pytest.mark.django_db
def test_the_published_months_anchor_catches_a_cut_log_even_without_the_file(
    personas, closed_month, town, tamper
):
    period = period_move(
        actor=personas["assessment_office"], period=closed_month, to=PeriodStatus.PUBLISHED, confirmed=True
    )
    count = AuditHead.objects.get().count
    last = AuditEntry.objects.order_by("-id").first()
    tamper("DELETE FROM {table} WHERE id = %s", [last.pk])
    AuditHead.objects.filter(pk=1).update(last_hash=last.prev_hash, count=count - 1)
    assert chain_report().breaks == []
    assert problems() == [
        f"The anchor file {anchors.path()} is missing, although published months were anchored in it.",
        f"The log has {count - 1} entries, but {count} were anchored when 夏村镇 published 2026-03: "
        "entries were removed.",
    ]
    assert period.audit_anchor


# Chains written before the key, and the key itself.


@pytest.fixture
def own_key(settings, tmp_path):
    settings.KAOPING_AUDIT_KEY_FILE = tmp_path / "audit_key"
    keys.forget()
    yield settings.KAOPING_AUDIT_KEY_FILE
    keys.forget()


@pytest.mark.django_db
def test_the_key_is_created_on_the_first_write_readable_by_its_user_only(own_key, town):
    assert not own_key.exists()
    record(actor=None, action="town.open", town=town)
    assert own_key.stat().st_mode & 0o777 == 0o600
    assert len(keys.read()) == 32


@pytest.mark.django_db
def test_a_missing_key_stops_writes_and_is_reported(own_key, entries):
    own_key.unlink()
    keys.forget()
    with pytest.raises(keys.KeyMissing, match="Restore it"):
        record(actor=None, action="town.open", town=entries[0].town)
    reasons = [b.reason for b in chain_report().breaks]
    assert reasons == ["the audit key is missing: keyed entries cannot be checked"]


def write_plain_chain(town, n: int) -> list[AuditEntry]:
    """Entries as the application wrote them before the key: plain SHA-256, no chain version."""
    from django.utils import timezone

    previous, written = chain.GENESIS, []
    for i in range(n):
        entry = AuditEntry(
            at=timezone.now(),
            actor_name="system",
            town=town,
            action="cadre.update",
            object_repr=f"旧{i}",
            prev_hash=previous,
        )
        entry.hash = chain.entry_hash(previous, _hash_fields(entry))
        entry.save()
        previous = entry.hash
        written.append(entry)
    AuditHead.objects.create(pk=1, last_hash=previous, count=n)
    return written


@pytest.mark.django_db
def test_a_chain_written_before_the_key_still_verifies(town):
    write_plain_chain(town, 3)
    assert chain_report().intact


@pytest.mark.django_db
def test_the_first_keyed_write_records_the_transition_and_the_whole_chain_verifies(town):
    write_plain_chain(town, 3)
    entry = record(actor=None, action="town.open", town=town)
    rekey, last = AuditEntry.objects.order_by("-id")[:2][::-1]
    assert (rekey.action, rekey.chain_version, last.pk) == ("audit.rekey", chain.KEYED, entry.pk)
    assert AuditHead.objects.get().count == 5
    assert chain_report().intact


@pytest.mark.django_db
def test_a_plain_entry_after_keyed_ones_is_found(town, tamper):
    write_plain_chain(town, 2)
    record(actor=None, action="town.open", town=town)
    last = AuditEntry.objects.order_by("-id").first()
    tamper("UPDATE {table} SET chain_version = NULL WHERE id = %s", [last.pk])
    reasons = [b.reason for b in chain_report().breaks]
    assert "an entry without the key follows keyed entries" in reasons


@pytest.mark.django_db
def test_rewriting_an_entry_from_before_the_key_breaks_the_keyed_link_after_it(town, tamper):
    old = write_plain_chain(town, 2)
    record(actor=None, action="town.open", town=town)
    tamper("UPDATE {table} SET object_repr = %s WHERE id = %s", ["改", old[1].pk])
    rows = list(AuditEntry.objects.order_by("id"))
    rows[1].hash = chain.entry_hash(rows[1].prev_hash, _hash_fields(rows[1]))
    tamper("UPDATE {table} SET hash = %s WHERE id = %s", [rows[1].hash, rows[1].pk])
    reasons = [(b.entry_id, b.reason) for b in chain_report().breaks]
    assert (rows[2].id, "previous hash does not match the entry before it") in reasons


def test_the_triggers_protect_the_table_after_the_migration_adding_the_chain_version(db):
    from kaoping.audit import triggers

    assert triggers.missing(connection) == []
