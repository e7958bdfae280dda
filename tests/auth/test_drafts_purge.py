"""Kept form drafts hold what was typed about a child for its author's convenience only: the scheduler
purges them once they are FORM_DRAFT_RETENTION_DAYS (7) old, exactly then, and the database lets
it delete them while it refuses to delete any record."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError

from dutydesk import rules
from dutydesk.auth.drafts import drafts_job, purge_form_drafts, retention
from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import ContactEvent, FormDraft, Role
from dutydesk.scheduler import JOBS
from tests.factories import at, create_contact, create_team, create_user

NOW = at("2026-11-23 10:00")
SECOND = timedelta(seconds=1)


@pytest.fixture
def author():
    return create_user("handler", (Role.CALL_HANDLER,), create_team())


def keep(author, created_at, path="/calls/new") -> FormDraft:
    draft = FormDraft(user_id=author.id, path=path, created_at=created_at,
                      fields=[["children-0-name", "Leo Martin"], ["concern", "Bruising to the face"]])
    db.session.add(draft)
    db.session.flush()
    return draft


def kept() -> list[str]:
    db.session.expire_all()
    return [draft.path for draft in db.session.scalars(select(FormDraft).order_by(FormDraft.id))]


def test_a_draft_is_purged_exactly_seven_days_after_it_was_kept_and_not_a_second_before(app, author):
    assert retention() == rules.FORM_DRAFTS_KEPT_FOR == timedelta(days=7)
    keep(author, NOW - timedelta(days=7), "/seven-days")
    keep(author, NOW - timedelta(days=7) + SECOND, "/a-second-short")
    keep(author, NOW - timedelta(days=30), "/a-month")
    keep(author, NOW, "/today")
    db.session.commit()

    assert purge_form_drafts(NOW - SECOND, retention()) == 1  # only the month-old one
    assert kept() == ["/seven-days", "/a-second-short", "/today"]
    assert purge_form_drafts(NOW, retention()) == 1
    assert kept() == ["/a-second-short", "/today"]
    assert purge_form_drafts(NOW + SECOND, retention()) == 1
    assert purge_form_drafts(NOW + SECOND, retention()) == 0  # any number of times
    db.session.commit()
    assert kept() == ["/today"]


def test_the_retention_period_is_a_setting_the_scheduler_job_reads(app, author):
    keep(author, now_utc() - timedelta(days=3, seconds=1), "/three-days")
    keep(author, now_utc() - timedelta(days=2), "/two-days")
    db.session.commit()
    saved = app.config["FORM_DRAFT_RETENTION_DAYS"]
    app.config["FORM_DRAFT_RETENTION_DAYS"] = 3
    try:
        drafts_job(stop=None)
    finally:
        app.config["FORM_DRAFT_RETENTION_DAYS"] = saved
    assert kept() == ["/two-days"]
    assert (drafts_job, "PURGE_INTERVAL_SECONDS") in JOBS


def test_the_database_lets_drafts_be_purged_and_still_refuses_to_delete_a_record(app, author):
    keep(author, NOW - timedelta(days=8))
    create_contact(NOW, by=author)
    db.session.commit()

    db.session.execute(text("DELETE FROM form_drafts"))
    db.session.commit()
    assert kept() == []
    with pytest.raises(IntegrityError, match=re.escape("dutydesk: contact_events rows are append-only")):
        db.session.execute(delete(ContactEvent))
    db.session.rollback()
    assert db.session.scalar(select(ContactEvent.id).limit(1)) is not None


def test_flask_purge_drafts_purges_them_at_once_and_says_how_many(app, author):
    keep(author, now_utc() - timedelta(days=8), "/old")
    keep(author, now_utc() - timedelta(days=1), "/new")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-drafts"])
    assert result.exit_code == 0 and "Purged 1 kept form draft(s) 7 or more day(s) old." in result.output
    assert kept() == ["/new"]
