"""The list of likely duplicate records (R2.5): the records check run on every record, in batches,
its pairs kept until the next scan; a pair said not to be the same child is never offered again."""

import threading
from datetime import date, timedelta
from threading import Event

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from dutydesk import demo
from dutydesk.children import duplicates, merging
from dutydesk.children.search import find_children
from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import DuplicatePair, DuplicateScan, NotSameChild, RecordView, Role, User
from tests.children.population import store_population
from tests.children.test_merging import NOW, kouao  # noqa: F401 (fixture)
from tests.factories import at, child_details, create_contact, create_user, post_form, sign_in


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def pairs() -> list[tuple[int, int]]:
    return db.session.execute(select(DuplicatePair.child_id, DuplicatePair.other_id).order_by(DuplicatePair.id)).all()


def user(username):
    return db.session.scalar(select(User).where(User.username == username))


@pytest.fixture
def known(kouao):
    """Anna and Ana Kouao, and Leo Martin, who is no one else."""
    anna, ana = kouao
    leo = create_contact(at("2026-11-20 10:00"), team=anna.contact_children[0].contact.team, children=[
        child_details(name="Leo Martin", date_of_birth=date(2017, 5, 1), approximate_age=None)]).children[0].child
    db.session.commit()
    return anna, ana, leo


@freeze_time(NOW)
def test_the_finder_lists_a_known_pair_once_with_the_reasons_and_leaves_unrelated_children_out(known):
    anna, ana, leo = known
    scan = duplicates.find_duplicates(now_utc())
    db.session.commit()
    assert (scan.records, scan.pairs, scan.finished_at) == (3, 1, now_utc())
    [pair] = db.session.scalars(select(DuplicatePair)).all()  # found from both records, listed once
    assert (pair.child_id, pair.other_id, pair.is_likely) == (anna.id, ana.id, True)
    assert {"same surname", "same date of birth", "same postcode"} <= set(pair.reasons)
    assert any(reason.startswith("similar first name") for reason in pair.reasons)
    # A second scan replaces the list: still the pair, once.
    duplicates.find_duplicates(now_utc())
    db.session.commit()
    assert pairs() == [(anna.id, ana.id)] and count(DuplicateScan) == 2


@freeze_time(NOW)
def test_a_pair_said_not_to_be_the_same_child_is_not_offered_again(client, known):
    anna, ana, _ = known
    duplicates.find_duplicates(now_utc())
    db.session.commit()
    sign_in(client, "mo")
    listed = client.get("/children/duplicates").get_data(as_text=True)
    assert f'data-pair="{anna.id}-{ana.id}"' in listed and "Likely the same child" in listed
    url = f"/children/duplicates/not-the-same?child={ana.id}&other={anna.id}"
    refused = post_form(client, url, {"reason": ""})
    assert "Say how you know these are two children" in refused.get_data(as_text=True) and count(NotSameChild) == 0
    done = post_form(client, url, {"reason": "Twins: the mother confirmed two girls born that day"},
                     follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "are recorded as two children" in page and 'data-pair="' not in page
    decision = db.session.scalar(select(NotSameChild))
    assert (decision.child_id, decision.other_id, decision.decided_by.username) == (anna.id, ana.id, "mo")
    duplicates.find_duplicates(now_utc())
    db.session.commit()
    assert pairs() == []
    with pytest.raises(Exception, match="already recorded that"):
        merging.record_not_same_child(anna, ana, reason="again", by=user("sara"), now=now_utc())


@freeze_time(NOW)
def test_a_merged_pair_leaves_the_list_at_once_and_comes_back_when_the_merge_is_undone(client, known):
    anna, ana, _ = known
    duplicates.find_duplicates(now_utc())
    merging.merge_children(ana, into=anna, reason="Same child", by=user("sara"), now=now_utc())
    db.session.commit()
    sign_in(client, "sara")
    assert 'data-pair="' not in client.get("/children/duplicates").get_data(as_text=True)
    merging.undo_merge(ana, reason="Twins", by=user("sara"), now=now_utc())
    db.session.commit()
    assert f'data-pair="{anna.id}-{ana.id}"' in client.get("/children/duplicates").get_data(as_text=True)


@freeze_time(NOW)
def test_the_list_says_when_it_was_made_is_for_managers_and_logs_the_children_it_showed(client, known):
    anna, ana, _ = known
    sign_in(client, "mo")
    assert "The list has not been made yet" in client.get("/children/duplicates").get_data(as_text=True)
    duplicates.find_duplicates(now_utc())
    db.session.commit()
    page = client.get("/children/duplicates").get_data(as_text=True)
    assert "The list was made at 11:00 on 23 Nov 2026, from 3 records" in page
    assert f"/children/{anna.id}/merge?record={ana.reference}" in page
    logged = db.session.scalars(select(RecordView.contact_id).where(RecordView.is_list.is_(True))).all()
    assert sorted(logged) == sorted(cc.contact_id for record in (anna, ana) for cc in record.contact_children)
    sign_in(client, "wes")
    assert client.get("/children/duplicates").status_code == 403


@freeze_time(NOW)
def test_the_list_is_shown_a_page_at_a_time_the_likeliest_first(client, known):
    anna, ana, leo = known
    scan = duplicates.find_duplicates(now_utc())
    db.session.add_all([DuplicatePair(child_id=anna.id, other_id=leo.id, score=0.6, is_likely=False,
                                      reasons=["same surname"], scan_id=scan.id),
                        DuplicatePair(child_id=ana.id, other_id=leo.id, score=0.7, is_likely=False,
                                      reasons=["same surname"], scan_id=scan.id)])
    db.session.commit()
    from dutydesk.children import queries

    first, second = queries.list_duplicate_pairs(1, per_page=2), queries.list_duplicate_pairs(2, per_page=2)
    assert (first.total, first.pages) == (3, 2)
    assert [(p.child_id, p.other_id) for p in first.pairs + second.pairs] == [
        (anna.id, ana.id), (ana.id, leo.id), (anna.id, leo.id)]


def test_the_batched_finder_answers_exactly_as_the_records_check_does(app):
    by = create_user("loader", (Role.SENIOR_MANAGER,), None)
    store_population(400, by.id, seed=5)
    db.session.commit()
    from dutydesk.models import Child
    from sqlalchemy.orm import selectinload

    children = db.session.scalars(select(Child).options(selectinload(Child.names), selectinload(Child.addresses))
                                  .order_by(Child.id)).all()
    asked = [(query, child.id) for child in children for query in duplicates.queries_for(child)]
    batched = duplicates.find_each(asked)
    one_by_one = [find_children(query, exclude=[child_id]).matches for query, child_id in asked]
    assert [[(m.candidate_id, m.score, m.reasons) for m in matches] for matches in batched] == \
        [[(m.candidate_id, m.score, m.reasons) for m in matches] for matches in one_by_one]
    assert sum(map(len, batched)) > 5  # brothers, sisters and twins give the scorer work
    found, records = duplicates.find_pairs(batch=64)
    assert records == 400 and found  # twins and the like: "possible", for a manager to rule out
    assert all(pair.child_id < pair.other_id and pair.score >= duplicates.LISTED_SCORE for pair in found.values())


@freeze_time(NOW)
def test_the_command_makes_the_list_and_says_how_fast(app, known):
    result = app.test_cli_runner().invoke(args=["find-duplicates"])
    assert result.exit_code == 0, result.output
    assert "Weighed 3 record(s)" in result.output and "1 pair(s) likely the same child listed" in result.output
    db.session.rollback()
    assert len(pairs()) == 1


@freeze_time(NOW)
def test_the_job_makes_the_list_once_a_day_whatever_the_number_of_schedulers(app, known):
    def job():
        with app.app_context():
            duplicates.duplicates_job(Event())

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.rollback()
    assert count(DuplicateScan) == 1 and len(pairs()) == 1  # two schedulers at once: one scan
    job()  # an hour later, or at once: the list is fresh
    db.session.rollback()
    assert count(DuplicateScan) == 1
    with freeze_time(at(NOW) + duplicates.REMADE_EVERY + timedelta(minutes=1)):
        job()
    db.session.rollback()
    assert count(DuplicateScan) == 2 and len(pairs()) == 1


@freeze_time(NOW)
def test_a_job_asked_to_stop_leaves_the_list_as_it_was_and_holds_no_claim(app, known):
    with freeze_time(at(NOW) - timedelta(days=2)):
        duplicates.find_duplicates(now_utc())
        db.session.commit()
    stop = Event()
    stop.set()
    scan = duplicates.make_duplicates_list(now_utc(), only_when_due=True, stop=stop)
    assert scan.stopped_at is not None and scan.finished_at is None
    assert len(pairs()) == 1
    duplicates.duplicates_job(Event())  # the next run is not held up by the stopped one
    db.session.rollback()
    assert db.session.scalar(select(func.count()).where(DuplicateScan.finished_at.is_not(None))) == 2


@freeze_time("2026-11-23 11:00:00")
def test_the_demo_lists_anna_and_ana_kouao(client):
    demo.seed()
    db.session.commit()
    sign_in(client, "manager", demo.DEMO_PASSWORD)
    page = client.get("/children/duplicates").get_data(as_text=True)
    assert "Anna Kouao" in page and "Ana Kouao" in page and "Likely the same child" in page
