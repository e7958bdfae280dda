"""Flask commands: `flask --app dutydesk seed-demo`, `create-user`, `scheduler`, `sweep`."""

import logging

import click
from flask import current_app
from sqlalchemy import select

from dutydesk import demo
from dutydesk.auth.operations import create_user
from dutydesk.clock import now_utc
from dutydesk.escalations.sweep import sweep as run_sweep
from dutydesk.extensions import db
from dutydesk.models import Role, Team, User
from dutydesk.scheduler import JOBS, run_until_stopped, stop_on_signals


def init_app(app) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user_command)
    app.cli.add_command(scheduler)
    app.cli.add_command(sweep)


@click.command("seed-demo")
def seed_demo():
    """Add demo teams, one user per role and calls in every state (once; demo use only)."""
    if db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("Users exist already: demo data not added.")
        return
    summary = demo.seed()
    db.session.commit()
    click.echo(summary)


@click.command("create-user")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Full name, as colleagues see it")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice([role.value for role in Role]), help="Repeat for several roles")
@click.option("--team", "team_name", default=None, help="The team's name")
@click.option("--email", default="")
@click.password_option()
def create_user_command(username, display_name, roles, team_name, email, password):
    """Add a member of staff."""
    team = None
    if team_name:
        team = db.session.scalar(select(Team).where(Team.name == team_name))
        if team is None:
            raise click.BadParameter(f"no team called {team_name!r}", param_hint="--team")
    user = create_user(username=username, display_name=display_name, password=password,
                       roles=roles, team=team, email=email)
    db.session.commit()
    click.echo(f"Added {user.username} ({', '.join(sorted(roles))})")


@click.command("scheduler")
def scheduler():
    """Run the scheduler process (never inside web workers) until SIGTERM or Ctrl-C."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line for every run
    app = current_app._get_current_object()
    click.echo(f"dutydesk scheduler started with {len(JOBS)} job(s)")
    run_until_stopped(app)
    click.echo("dutydesk scheduler stopped")


@click.command("sweep")
def sweep():
    """Issue every escalation that has fallen due and send waiting e-mails, once, then stop.

    SIGTERM or Ctrl-C stops it early, as it stops the scheduler: nothing claimed is left waiting."""
    click.echo(run_sweep(now_utc(), stop=stop_on_signals()))
