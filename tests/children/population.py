"""Generated children (variants.Population) stored as children's records, with their search keys,
for the duplicates finder's tests and its throughput measurement:

    .venv/bin/python -m tests.children.population 20000
"""

import sys
import time

from sqlalchemy import insert, select

from dutydesk.children.normalise import normalise_address, parse_postcode
from dutydesk.children.normalise import tidy
from dutydesk.children.search_keys import search_keys_for_child
from dutydesk.clock import now_utc
from dutydesk.extensions import db
from dutydesk.models import Child, ChildAddress, ChildName, ChildSearchKey
from tests.children.variants import Population

KINDS = {"current": "current", "known as": "known_as", "other surname": "other_surname", "other spelling": "alias"}
#: Rows written at a time.
BATCH = 2000


def store_population(size: int, by_id: int, *, seed: int = 11) -> dict[int, int]:
    """Store `size` generated children as records; returns each generated child's id -> its record's id."""
    population = Population(size, seed=seed)
    now = now_utc()
    first = (db.session.scalar(select(Child.id).order_by(Child.id.desc()).limit(1)) or 0) + 1
    record_of = {child.id: first + i for i, child in enumerate(population.children)}
    for start in range(0, len(population.children), BATCH):
        chunk = population.children[start:start + BATCH]
        children, names, addresses, keys = [], [], [], []
        for child in chunk:
            record = record_of[child.id]
            children.append({"id": record, "date_of_birth": child.date_of_birth, "expected_date_of_birth": None,
                             "sex": child.sex, "ethnicity": None, "disabilities": None, "upn": None,
                             "first_language": "", "interpreter_need": "not_known", "created_at": now,
                             "created_by_id": by_id, "merged_into_id": None})
            for given, family, kind in child.names:
                names.append({"child_id": record, "kind": KINDS[kind], "full_name": " ".join(filter(None, (given, family))),
                              "given_names": given or "", "family_name": family or "", "from_date": None,
                              "to_date": None, "recorded_at": now, "recorded_by_id": by_id, "ended_at": None,
                              "ended_by_id": None})
            for text in child.addresses:
                addresses.append({"child_id": record, "address": tidy(text), "normalised": normalise_address(text),
                                  "postcode": parse_postcode(text), "from_date": None, "to_date": None,
                                  "recorded_at": now, "recorded_by_id": by_id, "ended_at": None, "ended_by_id": None})
            keys += [{"key": key, "child_id": record}
                     for key in sorted(search_keys_for_child(child.names, child.date_of_birth, child.addresses))]
        db.session.execute(insert(Child), children)
        db.session.execute(insert(ChildName), names)
        db.session.execute(insert(ChildAddress), addresses)
        db.session.execute(insert(ChildSearchKey), keys)
    if db.session.get_bind().dialect.name == "postgresql":  # records made later take ids past these
        db.session.execute(db.text("SELECT setval('children_id_seq', (SELECT max(id) FROM children))"))
    return record_of


def main(size: int) -> None:
    """Store `size` children in a fresh database (DATABASE_URL, or a temporary SQLite file), make
    the duplicates list, and print the throughput."""
    import os
    import tempfile

    from flask_migrate import upgrade

    from config import TestConfig
    from dutydesk import create_app
    from dutydesk.children.duplicates import make_duplicates_list
    from dutydesk.models import Role
    from tests.factories import create_user

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/population.db"
    config = type("PopulationConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})
    app = create_app(config)
    with app.app_context():
        upgrade(directory=os.path.join(os.path.dirname(__file__), "..", "..", "migrations"))
        user = create_user("loader", (Role.SENIOR_MANAGER,), None)
        db.session.commit()
        started = time.perf_counter()
        store_population(size, user.id)
        db.session.commit()
        print(f"stored {size} children in {time.perf_counter() - started:.1f} s on {db.engine.dialect.name}")
        scan = make_duplicates_list(now_utc())
        print(f"weighed {scan.records} records in {scan.seconds:.1f} s: {scan.records / scan.seconds:.0f} records/s; "
              f"{scan.pairs} pairs listed")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
