"""A child's record: who they are, every call and case about them, what other teams hold, and
who has seen them (R2.5, R18)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from dutydesk import permissions, subjects
from dutydesk.access import requires
from dutydesk.children import forms, operations, queries
from dutydesk.children.chronology_views import ChronologyOf, show_chronology_page
from dutydesk.clock import now_utc, to_london
from dutydesk.errors import DomainError
from dutydesk.inputs import parse_id
from dutydesk.pages import commit_with_child_view, get_child_once, load_form, show_error

bp = Blueprint("children", __name__)


def _child_or_404(child_record_id: int):
    return get_child_once(child_record_id) or abort(404)


def _child_url(child, anchor: str | None = None) -> str:
    return url_for("children.show_child", child_record_id=child.id, _anchor=anchor)


def _me():
    return current_user._get_current_object()


@bp.route("/children/<int:child_record_id>")
@requires(permissions.VIEW_CONTACT, reads=subjects.CHILD_RECORD)
def show_child(child_record_id: int):
    child = _child_or_404(child_record_id)
    calls = queries.list_calls(child.id)
    open_work = queries.list_open_work(child.id)
    page = render_template(
        "children/show_child.html", child=child, calls=calls,
        cases=[call.referral for call in calls if call.referral is not None],
        other_teams=[work for work in open_work if work.team.id != current_user.team_id],
        events=queries.list_child_events(child.id), now=now_utc())
    commit_with_child_view(child.id)
    return page


@bp.route("/children/<int:child_record_id>/chronology")
@requires(permissions.VIEW_CONTACT, reads=subjects.CHILD_RECORD)
def show_chronology(child_record_id: int):
    """R58: the chronology of every call and case about the child, whatever they were called on each."""
    child = _child_or_404(child_record_id)
    about = ChronologyOf(name=child.display_name,
                         born=child.birth_description if child.birth_description != "Not known"
                         else "Date of birth not known",
                         reference=f"Child's record {child.reference}", back_url=_child_url(child),
                         back_text=f"Back to the record of {child.display_name}")
    return show_chronology_page(about, [contact_child.id for contact_child in child.contact_children])


def _form_page(child, form, template: str, run, *, anchor: str, **context):
    """A page that changes a child's record: on success the change and the view of the record are
    committed together and the browser goes back to the record; refused, the form comes back
    with everything typed and the reason beside its field."""
    if form.validate_on_submit():
        try:
            run()
        except DomainError as error:
            show_error(form, error)
        else:
            commit_with_child_view(child.id)
            return redirect(_child_url(child, anchor))
    page = render_template(template, child=child, form=form, **context)
    commit_with_child_view(child.id)
    return page


@bp.route("/children/<int:child_record_id>/names/new", methods=["GET", "POST"])
@requires(permissions.CHANGE_CHILD_RECORD, changes=subjects.CHILD_RECORD)
def add_name(child_record_id: int):
    child = _child_or_404(child_record_id)
    form = load_form(forms.NameForm)

    def run():
        name = operations.add_name(
            child, kind=form.kind.data, full_name=form.full_name.data, given_names=form.given_names.data or None,
            family_name=form.family_name.data or None, from_date=form.from_date.data, to_date=form.to_date.data,
            by=_me(), now=now_utc())
        flash(f"{name.full_name} added to the record as '{name.kind.label.lower()}'", "success")

    return _form_page(child, form, "children/add_name.html", run, anchor="names")


@bp.route("/children/<int:child_record_id>/names/<int:name_id>/end", methods=["GET", "POST"])
@requires(permissions.CHANGE_CHILD_RECORD, changes=subjects.CHILD_NAME)
def end_name(child_record_id: int, name_id: int):
    child = _child_or_404(child_record_id)
    name = next(n for n in child.names if n.id == name_id)  # the access rule has loaded it
    form = load_form(forms.EndForm)
    _today_unless_typed(form)

    def run():
        operations.end_name(name, on=form.on.data, by=_me(), now=now_utc())
        flash(f"{name.full_name} ended on the record: it stays there, as a former name", "success")

    return _form_page(child, form, "children/end_name.html", run, anchor="names", name=name)


@bp.route("/children/<int:child_record_id>/addresses/new", methods=["GET", "POST"])
@requires(permissions.CHANGE_CHILD_RECORD, changes=subjects.CHILD_RECORD)
def add_address(child_record_id: int):
    child = _child_or_404(child_record_id)
    form = load_form(forms.AddressForm)

    def run():
        operations.add_address(child, address=form.address.data, from_date=form.from_date.data,
                               to_date=form.to_date.data, by=_me(), now=now_utc())
        flash("Address added to the record", "success")

    return _form_page(child, form, "children/add_address.html", run, anchor="addresses")


@bp.route("/children/<int:child_record_id>/addresses/<int:address_id>/end", methods=["GET", "POST"])
@requires(permissions.CHANGE_CHILD_RECORD, changes=subjects.CHILD_ADDRESS)
def end_address(child_record_id: int, address_id: int):
    child = _child_or_404(child_record_id)
    address = next(a for a in child.addresses if a.id == address_id)
    form = load_form(forms.EndForm)
    _today_unless_typed(form)

    def run():
        operations.end_address(address, on=form.on.data, by=_me(), now=now_utc())
        flash("Address ended on the record: it stays there, as a former address", "success")

    return _form_page(child, form, "children/end_address.html", run, anchor="addresses", address=address)


def _today_unless_typed(form) -> None:
    if not form.is_submitted() and form.on.data is None:
        form.on.data = to_london(now_utc()).date()


@bp.route("/children/<int:child_record_id>/details", methods=["GET", "POST"])
@requires(permissions.CHANGE_CHILD_RECORD, changes=subjects.CHILD_RECORD)
def correct_details(child_record_id: int):
    child = _child_or_404(child_record_id)
    form = load_form(forms.DetailsForm)
    if not form.is_submitted():
        form.sex.data, form.ethnicity.data = child.sex.value, child.ethnicity.value if child.ethnicity else ""
        form.disabilities.data, form.upn.data = list(child.disabilities or []), child.upn or ""

    def run():
        changes = operations.correct_details(child, sex=form.sex.data, ethnicity=form.ethnicity.data,
                                             disabilities=form.disability_codes, upn=form.upn.data or "",
                                             by=_me(), now=now_utc())
        flash("Details corrected: " + "; ".join(changes), "success")

    return _form_page(child, form, "children/correct_details.html", run, anchor="details")


@bp.route("/children/<int:child_record_id>/views")
@requires(permissions.VIEW_ACCESS_LOG, reads=subjects.CHILD_RECORD)
def list_views(child_record_id: int):
    child = _child_or_404(child_record_id)
    views = queries.list_views(child.id, parse_id(request.args.get("page")) or 1)
    page = render_template("children/list_views.html", child=child, views=views,
                           page_url=lambda number: url_for("children.list_views", child_record_id=child.id,
                                                           page=number))
    commit_with_child_view(child.id)
    return page
