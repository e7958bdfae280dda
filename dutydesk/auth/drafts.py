"""Kept form drafts are purged once they have been kept for the retention period.

A form posted after its author's session went idle is kept (auth/session.py: keep_draft) so that
nothing typed is lost: it holds what was typed about a child, for its author's convenience only,
and is of no use once they have signed in again and saved it (or not) days ago. So the scheduler
deletes every draft made `FORM_DRAFT_RETENTION_DAYS` (7) or more days ago, restored or not: the
one deletion of rows holding children's details that dutydesk makes. The database lets it
(form_drafts is purgeable: models/guards.py) while refusing deletes of every record.
"""

import logging
from datetime import datetime, timedelta
from threading import Event

from flask import current_app
from sqlalchemy import delete

from dutydesk import rules
from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import FormDraft

log = logging.getLogger(__name__)


def retention() -> timedelta:
    """How long drafts are kept: the setting, whose default is rules.FORM_DRAFTS_KEPT_FOR."""
    return timedelta(days=current_app.config["FORM_DRAFT_RETENTION_DAYS"])


def purge_form_drafts(now: datetime, kept_for: timedelta) -> int:
    """Delete the drafts kept for `kept_for` or longer by now; flushes. Returns how many."""
    result = db.session.execute(delete(FormDraft).where(
        FormDraft.created_at <= rules.form_drafts_purged_before(now, kept_for)))
    return result.rowcount


def drafts_job(stop: Event) -> None:
    """The scheduler's job: purge the drafts past their retention period (any number of times, at once)."""
    purged = purge_form_drafts(now_utc(), retention())
    db.session.commit()
    if purged:
        log.info("drafts: %s kept form draft(s) purged after %s day(s)", purged, retention().days)
