"""The shapes every area's pages share: forms that keep what was typed, refusals shown beside
their field, one commit per request, the records a page is about (loaded once a request), and
the log of every view of a child's record or of a child in a list."""

from collections.abc import Iterable

from flask import abort, g, redirect, render_template, request
from flask_login import current_user
from sqlalchemy import insert, or_, select
from wtforms import FieldList, FormField

from dutydesk import rules
from dutydesk.absences.queries import get_inbox_item
from dutydesk.auth.session import restored_formdata
from dutydesk.cases.queries import get_case
from dutydesk.casework import queries as casework
from dutydesk.children.queries import get_child, record_ids_of
from dutydesk.clock import now_utc
from dutydesk.contacts import queries
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.forms import fill_with_now
from dutydesk.governance import queries as governance
from dutydesk.models import ContactChild, RecordView


def show_error(form, error: DomainError) -> None:
    """Put an operation's refusal beside the field it is about (or the button): a field of the
    form, or of one of its repeated rows by its full name ("children-1-record")."""
    db.session.rollback()
    field = (getattr(form, error.field, None) or _field_named(form, error.field)) if error.field else None
    if field is None:
        field = form.save
    field.errors = [*field.errors, error.message]
    for rows in form:  # a row list keeps its rows' errors as they were when it was validated
        if isinstance(rows, FieldList) and field.name.startswith(f"{rows.name}-"):
            rows.errors = [entry.errors for entry in rows.entries]


def _field_named(fields, name: str):
    """The field of these (a form, a row list, a row) with this full name, looking into rows."""
    for field in fields:
        if field.name == name:
            return field
        if isinstance(field, (FieldList, FormField)) and name.startswith(f"{field.name}-"):
            return _field_named(field, name)
    return None


def load_form(form_class, **kwargs):
    """A form filled from what was posted, or from what an idle-signed-out person had typed."""
    restored = restored_formdata()
    return form_class(formdata=restored, **kwargs) if restored is not None else form_class(**kwargs)


def chosen_person(people, person_id: int | None, message: str, field: str):
    """The person chosen in a select, from those the page offered; anyone else is refused beside it."""
    person = next((p for p in people if p.id == person_id), None)
    if person is None:
        raise DomainError(message, field)
    return person


def change_rows(*rows) -> bool:
    """Act on an "Add another" or "Remove the last" button of a form's repeatable rows.

    Each row is (field_list, add_button, remove_button, most_rows). Returns whether one was
    pressed, in which case the form is shown again with a row more or less and nothing saved.
    """
    for entries, add, remove, most in rows:
        if add.data or remove.data:
            if add.data and len(entries) < most:
                entries.append_entry()
            elif remove.data and len(entries) > 1:
                entries.pop_entry()
            return True
    return False


def _once(kind: str, key: int, load):
    """A record loaded at most once a request: the access check and the view share it."""
    cache = g.setdefault("records_loaded", {})
    if (kind, key) not in cache:
        cache[(kind, key)] = load(key)
    return cache[(kind, key)]


def get_contact_once(contact_id: int):
    return _once("contact", contact_id, queries.get_contact)


def get_referral_once(referral_id: int):
    return _once("referral", referral_id, get_case)


def get_inbox_item_once(inbox_item_id: int):
    return _once("inbox_item", inbox_item_id, get_inbox_item)


def get_child_once(child_id: int):
    return _once("child", child_id, get_child)


def get_assessment_once(assessment_id: int):
    return _once("assessment", assessment_id, casework.get_assessment)


def get_need_once(need_id: int):
    return _once("need", need_id, casework.get_need)


def get_service_once(service_id: int):
    return _once("service", service_id, casework.get_service)


def get_report_once(report_id: int):
    return _once("monthly_report", report_id, governance.get_report)


def get_audit_once(audit_id: int):
    return _once("file_audit", audit_id, governance.get_audit)


def contact_or_404(contact_id: int):
    contact = get_contact_once(contact_id)
    if contact is None:
        abort(404)
    return contact


def _path() -> str:
    return request.full_path.rstrip("?")[:500]


def commit_with_record_view(contact_id: int | None = None, *, inbox_item_id: int | None = None) -> None:
    """Commit the request's work with the log that the signed-in person saw the child's record
    (or an item of post or a message, which may name a child).

    Written last, so that a refused operation (rolled back) still leaves the view logged.
    """
    db.session.add(RecordView(user_id=current_user.id, contact_id=contact_id, inbox_item_id=inbox_item_id,
                              at=now_utc(), path=_path(), is_list=False))
    db.session.commit()


def commit_with_child_view(child_id: int) -> None:
    """Commit the request's work with the log that the signed-in person saw a child's record.

    A child's record shows every call about the child, so the view is logged as a view of each
    of those calls, all from this page: "who has seen this child" is then the views of their
    calls, whichever page showed them (children.queries.list_views). It shows the calls of the
    records merged into it too, so their views are logged as well.
    """
    contact_ids = db.session.scalars(select(ContactChild.contact_id)
                                     .where(ContactChild.child_id.in_(sorted(record_ids_of(child_id))))
                                     .distinct()).all()
    if contact_ids:
        common = {"user_id": current_user.id, "inbox_item_id": None, "at": now_utc(), "path": _path(),
                  "is_list": False}
        db.session.execute(insert(RecordView), [{**common, "contact_id": contact_id}
                                                for contact_id in sorted(contact_ids)])
    db.session.commit()


def log_list_view(*, contact_ids: Iterable[int] = (), inbox_item_ids: Iterable[int] = ()) -> None:
    """Log that the signed-in person saw these calls' children (or these items of post) in a list.

    Each is logged unless the person saw it, in a list or its record, within
    `rules.LIST_VIEW_LOGGED_EVERY`: a board refreshing every few seconds logs a child when they
    appear and then now and again, not at every refresh. One read, and a write only when there
    is something new to log; call it once the page is built (it commits).
    """
    contacts, items = set(contact_ids), set(inbox_item_ids)
    if not contacts and not items:
        return
    now = now_utc()
    seen = db.session.execute(
        select(RecordView.contact_id, RecordView.inbox_item_id).where(
            RecordView.user_id == current_user.id, RecordView.at > now - rules.LIST_VIEW_LOGGED_EVERY,
            or_(RecordView.contact_id.in_(contacts), RecordView.inbox_item_id.in_(items)))).all()
    contacts -= {contact_id for contact_id, _ in seen}
    items -= {item_id for _, item_id in seen}
    rows = ([{"contact_id": contact_id, "inbox_item_id": None} for contact_id in sorted(contacts)]
            + [{"contact_id": None, "inbox_item_id": item_id} for item_id in sorted(items)])
    if rows:
        common = {"user_id": current_user.id, "at": now, "path": _path(), "is_list": True}
        db.session.execute(insert(RecordView), [{**common, **row} for row in rows])
    db.session.commit()


def record_page(contact, form, template: str, run, *, done_url: str, **context):
    """The shared shape of a page that records one thing done about a contact (or its case).

    `run(at)` calls the operation with the moment typed into the form (London time, checked
    to be real and not in the future), or None for forms that ask for no time. On success the
    work and the record view are committed together and the browser goes to `done_url`; on a
    refusal the form comes back with everything typed and the reason beside its field.
    """
    moment = getattr(form, "moment", None)
    if form.is_submitted():
        valid = form.validate()
        at = moment.value(form) if moment is not None and valid else None
        if valid and (moment is None or at is not None):
            try:
                run(at)
            except DomainError as error:
                show_error(form, error)
            else:
                commit_with_record_view(contact.id)
                return redirect(done_url)
    elif moment is not None and getattr(form, moment.date_field).data is None:
        fill_with_now(form, moment)
    commit_with_record_view(contact.id)
    return render_template(template, contact=contact, form=form, now=now_utc(), **context)
