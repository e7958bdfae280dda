"""The scheduler process runs the sweep at start and every minute; web workers never do."""

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from dutydesk.clock import now_utc
from dutydesk.children.duplicates import duplicates_job
from dutydesk.escalations.sweep import sweep_job
from dutydesk.extensions import db
from dutydesk.models import Escalation, Role
from dutydesk.scheduler import JOBS, build_scheduler
from tests.factories import create_contact, create_team, create_user, flask_command_environment

ROOT = Path(__file__).resolve().parent.parent


def test_the_scheduler_has_the_sweep_every_minute_starting_at_once(app):
    scheduler = build_scheduler(app)
    [job] = [job for job in scheduler.get_jobs() if job.id == sweep_job.__name__]
    assert job.trigger.interval == timedelta(seconds=app.config["SWEEP_INTERVAL_SECONDS"]) == timedelta(minutes=1)
    assert job.coalesce and job.max_instances == 1
    assert job.next_run_time is not None and job.next_run_time <= now_utc() + timedelta(seconds=1)


def test_the_scheduler_process_sweeps_as_soon_as_it_starts(app):
    north = create_team("Duty North")
    north.manager = create_user("manager", (Role.DUTY_MANAGER,), north)
    create_contact(now_utc() - timedelta(minutes=70), team=north, now=now_utc())
    db.session.commit()
    environment = flask_command_environment(app)
    process = subprocess.Popen([sys.executable, "-m", "flask", "scheduler"], cwd=ROOT, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        issued = 0
        while time.monotonic() < deadline and issued == 0:
            time.sleep(0.2)
            db.session.rollback()
            issued = db.session.scalar(select(func.count()).select_from(Escalation))
        assert process.poll() is None, process.stdout.read()
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert issued > 0, output
    assert f"scheduler started with {len(JOBS)} job" in output


def test_the_scheduler_looks_every_hour_whether_the_duplicates_list_is_a_day_old_starting_at_once(app):
    [job] = [job for job in build_scheduler(app).get_jobs() if job.id == duplicates_job.__name__]
    assert job.trigger.interval == timedelta(seconds=app.config["DUPLICATES_INTERVAL_SECONDS"]) == timedelta(hours=1)
    assert job.coalesce and job.max_instances == 1
    assert job.next_run_time is not None and job.next_run_time <= now_utc() + timedelta(seconds=1)
