"""The shapes every area's pages share: forms that keep what was typed, refusals shown beside
their field, one commit per request, and the log of every view of a child's record."""

from flask import abort, redirect, render_template, request
from flask_login import current_user

from dutydesk.auth.session import restored_formdata
from dutydesk.clock import now_utc
from dutydesk.contacts import queries
from dutydesk.errors import DomainError
from dutydesk.extensions import db
from dutydesk.forms import fill_with_now
from dutydesk.models import RecordView


def show_error(form, error: DomainError) -> None:
    """Put an operation's refusal beside the field it is about (or the button)."""
    db.session.rollback()
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        field = form.save
    field.errors = [*field.errors, error.message]


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


def contact_or_404(contact_id: int):
    contact = queries.get_contact(contact_id)
    if contact is None:
        abort(404)
    return contact


def commit_with_record_view(contact_id: int) -> None:
    """Commit the request's work with the log that the signed-in person saw the child's record.

    Written last, so that a refused operation (rolled back) still leaves the view logged.
    """
    db.session.add(RecordView(user_id=current_user.id, contact_id=contact_id, at=now_utc(),
                              path=request.full_path.rstrip("?")[:500]))
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
