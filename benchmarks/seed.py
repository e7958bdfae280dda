"""Build the benchmark's people and teams through dutydesk's own code; print their ids as JSON.

Run as a subprocess with DATABASE_URL set (config.py reads it when first imported) and the
password in BENCH_PASSWORD: `python -m benchmarks.seed`. Passwords are hashed as in production.
"""

import json
import os

from dutydesk import create_app
from dutydesk.people.operations import create_user
from dutydesk.extensions import db
from dutydesk.models import Role, Team, TeamKind

#: A small council's front door: one contact centre, three duty teams of five.
DUTY_TEAMS = [("Duty and assessment North", TeamKind.DUTY), ("Duty and assessment South", TeamKind.DUTY),
              ("Out-of-hours team", TeamKind.OUT_OF_HOURS)]
DUTY_STAFF_PER_TEAM = 5
HANDLER = "bench-handler"


def seed(password: str) -> dict:
    centre = Team(name="Contact centre", kind=TeamKind.CONTACT_CENTRE)
    teams = [Team(name=name, kind=kind) for name, kind in DUTY_TEAMS]
    db.session.add_all([centre, *teams])
    handler = create_user(username=HANDLER, display_name="Bench Call Handler", password=password,
                          roles=[Role.CALL_HANDLER], team=centre)
    for t, team in enumerate(teams):
        for n in range(DUTY_STAFF_PER_TEAM):
            role = Role.DUTY_MANAGER if n == 0 else Role.DUTY_WORKER
            create_user(username=f"bench-duty-{t}-{n}", display_name=f"Duty Worker {t}-{n}",
                        password=password, roles=[role], team=team)
    db.session.commit()
    return {"username": handler.username, "team_id": teams[0].id, "team_name": teams[0].name}


if __name__ == "__main__":
    app = create_app()
    with app.app_context():
        print(json.dumps(seed(os.environ["BENCH_PASSWORD"])))
