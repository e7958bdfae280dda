"""The chronology page: every event of the child in time order, filtered by kind with a form that
needs no script, linked from the call and the case, and logged as a view of the child's record."""

from bs4 import BeautifulSoup
from sqlalchemy import select

from dutydesk.cases import operations as cases
from dutydesk.extensions import db
from dutydesk.models import RecordView, Role
from tests.factories import child_details, create_contact, create_user, sign_in

from .test_chronology import LEOS_DAY


def chronology_url(story, child=None) -> str:
    return f"/calls/{story.contact.id}/children/{(child or story.leo).id}/chronology"


def rows(html: str) -> list[list[str]]:
    table = BeautifulSoup(html, "html.parser").find("table", class_="dd-chronology")
    return [[" ".join(cell.get_text(" ").split()) for cell in row.find_all("td")]
            for row in table.find("tbody").find_all("tr")]


def test_the_page_shows_every_event_of_the_child_oldest_first_with_who_and_the_call(client, story):
    sign_in(client, "ben")
    response = client.get(chronology_url(story))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h1.get_text(strip=True) == "Leo Martin"
    assert "Born 27 Mar 2019" in soup.find(class_="dd-chronology-about").get_text()
    shown = rows(html)
    assert [row[0] for row in shown] == [f"{clock} on 23 Nov 2026" for clock, *_ in LEOS_DAY]
    assert len(shown) == len(LEOS_DAY)
    for (_, kind, summary, _), row in zip(LEOS_DAY, shown):
        assert row[1].startswith(f"{kind.label} {summary}"), row
    assert [row[2] for row in shown] == [who or "dutydesk (automatic)" for *_, who in LEOS_DAY]
    assert {row[3].split(" Case")[0].split(" Strategy")[0] for row in shown} == {f"Call {story.contact.reference}"}
    referral = cases.get_referral(story.leo)
    assert soup.find("a", href=f"/cases/{referral.id}", string="Case")  # a duty worker may open the case
    assert f"{len(LEOS_DAY)} events, oldest first." in html
    decision = next(row for row in shown if row[1].startswith("Screening decision"))
    assert decision[1].endswith("Bruising; second call")  # the reasons beneath the line


def test_the_page_filters_by_the_kinds_ticked_without_a_script(client, story):
    sign_in(client, "ben")
    html = client.get(chronology_url(story) + "?kind=escalation&kind=transfer&kind=nonsense").get_data(as_text=True)

    assert [row[1].split(" ", 1)[0] for row in rows(html)] == ["Escalation"] * 3 + ["Transfer"] * 2
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find("form", id="filter")
    assert form["method"] == "get" and form["action"] == chronology_url(story)
    ticked = {box["value"] for box in form.find_all("input", attrs={"name": "kind"}) if box.has_attr("checked")}
    assert ticked == {"escalation", "transfer"}
    assert soup.find("a", string="Show every kind of event")["href"] == chronology_url(story)
    assert "5 events of the kinds chosen" in html

    nothing = client.get(chronology_url(story) + "?kind=closure").get_data(as_text=True)
    assert "No events of the kinds chosen." in nothing


def test_the_page_is_logged_as_a_view_of_the_childs_record(client, story):
    sign_in(client, "hana")  # a call handler may read it
    assert client.get(chronology_url(story)).status_code == 200

    views = db.session.scalars(select(RecordView)).all()
    assert [(view.contact_id, view.path, view.is_list) for view in views] == [
        (story.contact.id, chronology_url(story), False)]


def test_a_call_handler_sees_no_links_to_cases_they_cannot_open(client, story):
    sign_in(client, "hana")
    soup = BeautifulSoup(client.get(chronology_url(story)).get_data(as_text=True), "html.parser")

    assert soup.find("a", string="Call " + story.contact.reference)
    assert not soup.find("a", string="Case") and not soup.find("a", string="Strategy discussion")


def test_the_call_page_links_to_each_childs_chronology_and_the_case_page_to_the_childs(client, story):
    sign_in(client, "ben")
    call = BeautifulSoup(client.get(f"/calls/{story.contact.id}").get_data(as_text=True), "html.parser")
    links = [a.get_text(" ", strip=True) for a in call.find_all("a") if a["href"].endswith("/chronology")]
    assert links == ["See the chronology of Leo Martin", "See the chronology of Ava Martin"]
    assert call.find("a", href=chronology_url(story, story.ava))

    referral = cases.get_referral(story.leo)
    case = BeautifulSoup(client.get(f"/cases/{referral.id}").get_data(as_text=True), "html.parser")
    assert case.find("a", href=chronology_url(story))


def test_a_child_of_another_call_is_no_page(client, story):
    other = create_contact(story.contact.received_at, team=story.teams["north"], by=story.people["hana"])
    db.session.commit()
    sign_in(client, "ben")
    assert client.get(f"/calls/{story.contact.id}/children/{other.children[0].id}/chronology").status_code == 404


def test_a_child_whose_age_nobody_knew_says_so_at_the_top(client, story):
    other = create_contact(story.contact.received_at, team=story.teams["north"], by=story.people["hana"],
                           children=[child_details(name="Kai Doe", approximate_age=None)])
    db.session.commit()
    sign_in(client, "ben")
    html = client.get(f"/calls/{other.id}/children/{other.children[0].id}/chronology").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    assert "Date of birth not known" in soup.find(class_="dd-chronology-about").get_text()
    assert "Kai Doe · Date of birth not known · Call " in soup.find(class_="dd-print-head").get_text(" ", strip=True)


def test_a_director_is_refused_and_shown_nothing_of_the_child(client, story):
    create_user("dee", (Role.DIRECTOR,), display_name="Dee Director")
    db.session.commit()
    sign_in(client, "dee")
    refused = client.get(chronology_url(story))
    assert refused.status_code == 403 and "Leo Martin" not in refused.get_data(as_text=True)
