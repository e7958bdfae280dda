"""Flask commands: `flask --app dutydesk seed-demo`, `create-user`, `deactivate-user`, `set-roles`,
`reset-password`, `scheduler`, `sweep`, `governance`, `purge-drafts`, `index-children`,
`find-duplicates`, and the `export` group (dutydesk/returns/cli.py). The account commands run the
operations the administration pages run (people/operations.py), recorded as changes made at the
command line."""

import logging

import click
from flask import current_app
from sqlalchemy import select

from dutydesk import demo
from dutydesk.auth.drafts import purge_form_drafts, retention
from dutydesk.auth.operations import get_user_by_username
from dutydesk.children.duplicates import make_duplicates_list
from dutydesk.children.search import rebuild_index
from dutydesk.clock import now_utc
from dutydesk.errors import DomainError
from dutydesk.escalations.sweep import sweep as run_sweep
from dutydesk.extensions import db
from dutydesk.governance import jobs as governance_jobs
from dutydesk.models import Role, Team, User
from dutydesk.people import operations
from dutydesk.returns import cli as returns_cli
from dutydesk.scheduler import JOBS, run_until_stopped, stop_on_signals


def init_app(app) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user_command)
    app.cli.add_command(deactivate_user)
    app.cli.add_command(set_roles)
    app.cli.add_command(reset_password)
    app.cli.add_command(scheduler)
    app.cli.add_command(sweep)
    app.cli.add_command(governance)
    app.cli.add_command(purge_drafts)
    app.cli.add_command(index_children)
    app.cli.add_command(find_duplicates)
    app.cli.add_command(returns_cli.export)


@click.command("seed-demo")
def seed_demo():
    """Add demo teams, one user per role and calls in every state (once; demo use only)."""
    if db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("Users exist already: demo data not added.")
        return
    summary = demo.seed()
    db.session.commit()
    click.echo(summary)


ROLE_CHOICE = click.Choice([role.value for role in Role])


def _user(username: str) -> User:
    user = get_user_by_username(username)
    if user is None:
        raise click.BadParameter(f"nobody has the username {username!r}", param_hint="USERNAME")
    return user


def _carry_out(change):
    """Run an operation and commit; a refusal is printed with what to do, and nothing is saved."""
    try:
        result = change()
    except DomainError as refusal:
        db.session.rollback()
        raise click.ClickException(refusal.message) from None
    db.session.commit()
    return result


@click.command("create-user")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Full name, as colleagues see it")
@click.option("--role", "roles", multiple=True, required=True, type=ROLE_CHOICE, help="Repeat for several roles")
@click.option("--team", "team_name", default=None, help="The team's name")
@click.option("--email", default="")
@click.password_option(help="At least 12 characters, not a common password")
def create_user_command(username, display_name, roles, team_name, email, password):
    """Add a member of staff, who chooses a password of their own at their first sign-in."""
    team = None
    if team_name:
        team = db.session.scalar(select(Team).where(Team.name == team_name))
        if team is None:
            raise click.BadParameter(f"no team called {team_name!r}", param_hint="--team")
    user = _carry_out(lambda: operations.create_user(username=username, display_name=display_name,
                                                     password=password, roles=roles, team=team, email=email,
                                                     now=now_utc(), must_change_password=True))
    click.echo(f"Added {user.username} ({', '.join(sorted(roles))}); they choose a new password when they "
               "first sign in")


@click.command("deactivate-user")
@click.argument("username")
def deactivate_user(username):
    """Stop a leaver signing in and end every session they have; their cases go to the
    unallocated list and their open work to their team (their records stay)."""
    user = _user(username)
    leaving = _carry_out(lambda: operations.deactivate_user(user, now=now_utc()))
    click.echo(f"Deactivated {user.username}; their sessions have ended ({operations.leaving_words(leaving)})")


@click.command("set-roles")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=ROLE_CHOICE,
              help="Every role the person is to hold; repeat for several")
def set_roles(username, roles):
    """Give a member of staff exactly these roles; their sessions end, so the change applies at once."""
    user = _user(username)
    if _carry_out(lambda: operations.set_roles(user, roles, now=now_utc())):
        click.echo(f"{user.username} now holds: {', '.join(sorted(role.value for role in user.roles))}; "
                   "their sessions have ended")
    else:
        click.echo(f"{user.username} already holds exactly those roles: nothing changed")


@click.command("reset-password")
@click.argument("username")
@click.password_option(help="At least 12 characters, not a common password")
def reset_password(username, password):
    """Set a new password for a member of staff, who must choose their own at their next sign-in;
    every session they have ends."""
    user = _user(username)
    _carry_out(lambda: operations.reset_password(user, password, now=now_utc()))
    click.echo(f"New password set for {user.username}; their sessions have ended, and they choose a new "
               "password when they next sign in")


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


@click.command("governance")
def governance():
    """Make the monthly unallocated report and the reminder of a quarter without a file audit when
    they are due (each once, whatever runs at the same time), send their e-mails, then stop."""
    click.echo(governance_jobs.run(now_utc(), stop=stop_on_signals()))


@click.command("purge-drafts")
def purge_drafts():
    """Purge the kept form drafts past their retention period (FORM_DRAFT_RETENTION_DAYS) now."""
    purged = purge_form_drafts(now_utc(), retention())
    db.session.commit()
    click.echo(f"Purged {purged} kept form draft(s) {retention().days} or more day(s) old.")


@click.command("index-children")
def index_children():
    """Add the records check's search keys that any child's record lacks (after a purge or an import)."""
    added = rebuild_index()
    db.session.commit()
    click.echo(f"Added {added} search key(s).")


@click.command("find-duplicates")
def find_duplicates():
    """Make the list of likely duplicate children's records now (the scheduler makes it daily).

    SIGTERM or Ctrl-C stops it between batches: the list made before stays as it was."""
    scan = make_duplicates_list(now_utc(), stop=stop_on_signals())
    if scan.stopped_at is not None:
        raise click.ClickException(f"Stopped after {scan.records} record(s): the list was not changed.")
    rate = scan.records / scan.seconds if scan.seconds else 0
    click.echo(f"Weighed {scan.records} record(s) in {scan.seconds:.1f} s ({rate:.0f} a second): "
               f"{scan.pairs} pair(s) likely the same child listed.")
