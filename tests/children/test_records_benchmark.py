"""The records-check benchmark's code path (benchmarks/records_check.py) on a tiny population, so that
`make bench`'s harness, which CI does not run, cannot rot: the children written as dutydesk's rows with
dutydesk's keys, recall and false matches computed through find_children, typing timed through the
records check (dutydesk's endpoint, or the benchmark's stand-in while there is none) beside the
exact-match baseline, and the report's section written. Speed is not asserted here.
"""

import time
from datetime import datetime, timezone

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from benchmarks import records_app, records_check
from benchmarks.run import call_form
from config import TestConfig
from dutydesk import create_app
from dutydesk.extensions import db
from dutydesk.models import Child, ChildAddress, ChildName, ChildSearchKey, Role, TeamKind
from tests.children.variants import Variations
from tests.factories import create_team, create_user, csrf_token, sign_in, submission_token

SIZE = 2_000


def _bench_app(app):
    """The app as the benchmark's server runs it (benchmarks/records_app.create_app), on the test database."""
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]

    bench = create_app(Config)
    if records_app.REAL_ENDPOINT not in bench.view_functions:
        records_app.add_stand_in(bench)
    return bench


def _poster(client, path):
    def post(body):
        started = time.perf_counter()
        answer = client.post(path, data=MultiDict(body))
        return answer.status_code, answer.get_data(as_text=True), (time.perf_counter() - started) * 1000

    return post


def test_records_benchmark_runs_on_a_small_population(app):
    people = records_check.population(SIZE, seed=records_check.SEED)
    handler = create_user(roles=[Role.CALL_HANDLER], team=create_team(kind=TeamKind.CONTACT_CENTRE))
    team = create_team()
    db.session.commit()
    username, team_id = handler.username, team.id

    offset = records_check.load_population(db.engine, people, handler.id)

    db.session.remove()
    rows = {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Child, ChildName, ChildAddress, ChildSearchKey)}
    assert rows["children"] == SIZE
    assert rows["child_names"] == sum(len(child.names) for child in people.children)
    assert rows["child_addresses"] == sum(len(child.addresses) for child in people.children)
    assert rows["child_search_keys"] > 5 * SIZE
    records_check.check_keys(people, offset)  # the keys written are keys_of's, or it raises

    variants, new = records_check.queries_and_truth(people, per_kind=5, new=40, seed=records_check.SEED)
    recall = records_check.measure_recall(variants, new, offset)
    assert set(recall.by_kind) == set(Variations.KINDS)
    assert recall.variants == len(variants) == 5 * len(Variations.KINDS)
    assert recall.new_children == 40 and 0 <= recall.false_likely_share <= 1
    assert len(recall.find_ms) == len(recall.find_cpu_ms) == len(recall.weighed) == len(variants) + 40
    # The ids map back to the population's: a harness mixing them up would find nobody.
    assert recall.top5 >= 0.8 and recall.top1 <= recall.top5

    bench = _bench_app(app)
    exact = records_app.create_exact_app(app.config["SQLALCHEMY_DATABASE_URI"])
    client = bench.test_client()
    assert sign_in(client, username).status_code == 302
    page = client.get("/calls/new").get_data(as_text=True)
    base = call_form(csrf_token(page), team_id) + [("submission_token", submission_token(page))]
    typed = [records_check.typing(variant, variant.child_id) for variant in variants[:6]]
    latency = records_check.measure_latency(_poster(client, records_app.PATH),
                                            _poster(exact.test_client(), records_app.EXACT_PATH),
                                            base, typed[1:], typed[:1], offset)
    steps = sum(len(sequence.steps) for sequence in typed[1:])
    assert len(latency.app_ms) == len(latency.exact_ms) == steps
    assert latency.app_median > 0 and latency.exact_p95 > 0 and 0 <= latency.final_shown <= 1
    assert latency.is_stand_in == (records_app.REAL_ENDPOINT not in app.view_functions)

    built = records_check.Built("SQLite", "sqlite://", "3", False, 1.0, rows, offset)
    args = records_check.parse_args(["--children", str(SIZE), "--output", "-"])
    text = records_check.section([records_check.Result(built, latency, recall, 0.5)],
                                 {"commit": "test", "cpus": "2", "cpu": "test", "os": "test", "python": "3",
                                  "sqlalchemy": "2"},
                                 datetime.now(timezone.utc), 1.0, args, records_check.GunicornSettings(4, "sync", 1))
    assert text.startswith("<!-- records-benchmark:start -->") and text.rstrip().endswith("records-benchmark:end -->")
    assert "## Records check" in text and f"{recall.top5:.1%}" in text


def test_typing_steps_are_what_a_handler_types():
    from tests.children.variants import Variant
    from dutydesk.children.matching import ChildQuery
    from datetime import date

    variant = Variant("spelling", 7, ChildQuery(given="Ana", family="Kouao", date_of_birth=date(2018, 11, 2),
                                                address="10 High Street, London N17 0AB"))
    typed = records_check.typing(variant, 7)
    assert [step[0] for step in typed.steps] == ["An", "Ana", "Ana Ko", "Ana Kou", "Ana Kouao", "Ana Kouao",
                                                 "Ana Kouao"]
    assert typed.steps[-2:] == [("Ana Kouao", "2 11 2018", ""), ("Ana Kouao", "2 11 2018",
                                                                 "10 High Street, London N17 0AB")]
    body = records_check.form_body(call_form("token", 1), typed.steps[-1])
    assert ("row", "0") in body and ("children-0-name", "Ana Kouao") in body
    assert [value for name, value in body if name == "children-0-date_of_birth"] == ["2", "11", "2018"]
    assert not any(name == "save" for name, _ in body)
