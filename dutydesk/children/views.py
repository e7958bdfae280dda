"""A child's record: who they are, every call and case about them, what other teams hold, and
who has seen them (R2.5, R18)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from dutydesk import permissions, subjects
from dutydesk.access import requires
from dutydesk.children import forms, merging, operations, queries
from dutydesk.children.chronology_views import ChronologyOf, show_chronology_page
from dutydesk.clock import now_utc, to_london
from dutydesk.errors import DomainError
from dutydesk.inputs import parse_id
from dutydesk.pages import commit_with_child_view, get_child_once, load_form, log_list_view, show_error

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
        events=queries.list_child_events(child.id), merged=queries.list_merged_records(child.id),
        merge=merging.get_merge_of(child) if child.merged_into_id is not None else None, now=now_utc())
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
    return show_chronology_page(about, queries.list_contact_child_ids(child.id))


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
        form.date_of_birth.data, form.expected_date_of_birth.data = child.date_of_birth, child.expected_date_of_birth

    def run():
        changes = operations.correct_details(child, sex=form.sex.data, ethnicity=form.ethnicity.data,
                                             disabilities=form.disability_codes, upn=form.upn.data or "",
                                             date_of_birth=form.date_of_birth.data,
                                             expected_date_of_birth=form.expected_date_of_birth.data,
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


# --- merging records found to be the same child, and the list of likely duplicates (R2.5) ---------


def _other_record(child, typed: str | None):
    """The record named in `?record=` (a reference as typed), checked to be one `child` may take in;
    (record, None) or (None, what to do)."""
    if not (typed or "").strip():
        return None, "Enter the reference of the other record, like CH000031"
    other_id = merging.parse_reference(typed)
    other = queries.get_child(other_id) if other_id is not None else None
    if other is None:
        return None, f"There is no child's record {typed.strip()[:20]}: check the reference, like CH000031"
    try:
        merging.check_mergeable(other, child)
    except DomainError as refusal:
        return None, refusal.message
    return other, None


@bp.route("/children/<int:child_record_id>/merge", methods=["GET", "POST"])
@requires(permissions.MERGE_CHILDREN, changes=subjects.CHILD_RECORD)
def merge_child(child_record_id: int):
    """Merge another record, found to be the same child, into this one: first find it by its
    reference (?record=), then see both side by side and say why."""
    child = _child_or_404(child_record_id)
    typed = request.args.get("record")
    other, problem = _other_record(child, typed)
    if other is None:
        page = render_template("children/merge_find.html", child=child, typed=typed or "",
                               problem=problem if typed is not None or request.method == "POST" else None)
        commit_with_child_view(child.id)
        return page
    form = load_form(forms.MergeForm)
    if form.validate_on_submit():
        try:
            merging.merge_children(other, into=child, reason=form.reason.data, by=_me(), now=now_utc())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"{other.reference} merged into this record: its calls, names and addresses show here, and "
                  "it keeps its own history. The merge can be undone from its record.", "success")
            commit_with_child_view(child.id)  # now with the merged record's calls
            return redirect(_child_url(child))
    page = render_template("children/merge_confirm.html", child=child, other=other, form=form,
                           records=[_side(child), _side(other)])
    commit_with_child_view(other.id)
    commit_with_child_view(child.id)
    return page


def _side(child) -> dict:
    """One record as the merge confirmation shows it beside the other."""
    calls = queries.list_calls(child.id)
    return {"child": child, "calls": calls, "open_work": queries.list_open_work(child.id)}


@bp.route("/children/<int:child_record_id>/unmerge", methods=["GET", "POST"])
@requires(permissions.MERGE_CHILDREN, changes=subjects.CHILD_RECORD)
def undo_merge(child_record_id: int):
    """Undo the merge of this record into another: the two records are separate again."""
    child = _child_or_404(child_record_id)
    merge = merging.get_merge_of(child)
    form = load_form(forms.UndoMergeForm)
    if form.validate_on_submit():
        try:
            merging.undo_merge(child, reason=form.reason.data, by=_me(), now=now_utc())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"The merge is undone: {child.reference} is a record of its own again", "success")
            commit_with_child_view(child.id)
            return redirect(_child_url(child))
    page = render_template("children/undo_merge.html", child=child, merge=merge, form=form)
    commit_with_child_view(child.id)
    return page


@bp.route("/children/duplicates")
@requires(permissions.MERGE_CHILDREN, no_record=True)
def list_duplicates():
    """The pairs of records likely the same child, best first, with why; made by the last scan."""
    pairs = queries.list_duplicate_pairs(parse_id(request.args.get("page")) or 1)
    page = render_template("children/list_duplicates.html", pairs=pairs, now=now_utc(),
                           page_url=lambda number: url_for("children.list_duplicates", page=number))
    log_list_view(contact_ids=queries.list_contact_ids_of(
        [pair.child_id for pair in pairs.pairs] + [pair.other_id for pair in pairs.pairs]))
    return page


@bp.route("/children/duplicates/not-the-same", methods=["GET", "POST"])
@requires(permissions.MERGE_CHILDREN, no_record=True)
def record_not_same():
    """Say of a pair (?child=&other=) that they are not the same child: never offered again."""
    child_id, other_id = parse_id(request.args.get("child")), parse_id(request.args.get("other"))
    child = queries.get_child(child_id) if child_id else None
    other = queries.get_child(other_id) if other_id else None
    if child is None or other is None:
        flash("Choose a pair from the list of likely duplicates", "important")
        return redirect(url_for("children.list_duplicates"))
    form = load_form(forms.NotSameForm)
    if form.validate_on_submit():
        try:
            merging.record_not_same_child(child, other, reason=form.reason.data, by=_me(), now=now_utc())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"{child.reference} and {other.reference} are recorded as two children: the list will not "
                  "offer them again", "success")
            commit_with_child_view(other.id)
            commit_with_child_view(child.id)
            return redirect(url_for("children.list_duplicates"))
    page = render_template("children/not_same.html", child=child, other=other, form=form,
                           records=[_side(child), _side(other)])
    commit_with_child_view(other.id)
    commit_with_child_view(child.id)
    return page
