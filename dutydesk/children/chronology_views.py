"""The chronology page (R58): a child's events in time order, filtered by kind, printable on A4.

`show_chronology_page` builds the page for any set of children named on calls who are the same
child; the child's record mounts it at /children/<id>/chronology as the call page does here.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request, url_for

from dutydesk import permissions, subjects
from dutydesk.access import requires
from dutydesk.children.chronology import KINDS_RECORDED, ChronologyKind, list_chronology, list_contact_ids
from dutydesk.clock import now_utc
from dutydesk.pages import commit_with_record_view, contact_or_404

bp = Blueprint("chronology", __name__)


@dataclass(frozen=True)
class ChronologyOf:
    """Who a chronology is about, as the page and the head of every printed page show them."""

    name: str
    #: "Born 27 Mar 2019", "Unborn, due 3 Mar 2027", "About 6 years old".
    born: str
    reference: str
    #: Where the back link goes, and what it says.
    back_url: str
    back_text: str


def chosen_kinds(values: Iterable[str]) -> list[ChronologyKind]:
    """The kinds ticked in the filter (as the query string has them); anything else is ignored."""
    ticked = set(values)
    return [kind for kind in KINDS_RECORDED if kind.value in ticked]


def show_chronology_page(about: ChronologyOf, contact_child_ids: Iterable[int]) -> str:
    """The page of these children's chronology, with the kinds ticked in `?kind=`; logs a view of
    every call that names them (it commits)."""
    ids = list(contact_child_ids)
    chosen = chosen_kinds(request.args.getlist("kind"))
    page = render_template("children/show_chronology.html", about=about, kinds=KINDS_RECORDED, chosen=chosen,
                           events=list_chronology(ids, chosen), now=now_utc())
    for contact_id in list_contact_ids(ids):
        commit_with_record_view(contact_id)
    return page


@bp.route("/calls/<int:contact_id>/children/<int:child_id>/chronology")
@requires(permissions.VIEW_CONTACT, reads=subjects.CHILD)
def show_chronology(contact_id: int, child_id: int):
    contact = contact_or_404(contact_id)
    child = next((child for child in contact.children if child.id == child_id), None) or abort(404)
    is_age_known = child.date_of_birth or child.expected_date_of_birth or child.approximate_age is not None
    about = ChronologyOf(name=child.display_name,
                         born=child.age_description if is_age_known else "Date of birth not known",
                         reference=f"Call {contact.reference}",
                         back_url=url_for("contacts.show_contact", contact_id=contact.id),
                         back_text=f"Back to call {contact.reference}")
    return show_chronology_page(about, [child.id])
