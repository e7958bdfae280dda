"""dutydesk: the front door of children's social care. `create_app` builds the web application."""

from pathlib import Path

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from config import Config
from dutydesk import access, cli, database, display
from dutydesk.absences.views import bp as absences_bp
from dutydesk.auth import session as auth_session
from dutydesk.auth.views import bp as auth_bp
from dutydesk.board.views import bp as board_bp
from dutydesk.cases.views import bp as cases_bp
from dutydesk.casework.protection_views import bp as protection_bp
from dutydesk.casework.views import bp as casework_bp
from dutydesk.children.chronology_views import bp as chronology_bp
from dutydesk.children.views import bp as children_bp
from dutydesk.contacts.views import bp as contacts_bp
from dutydesk.core import errors, secret_key, security, submissions
from dutydesk.core.views import bp as core_bp
from dutydesk.escalations import views as escalations_views
from dutydesk.extensions import csrf, db, limiter, login_manager, migrate
from dutydesk.governance import views as governance_views
from dutydesk.inputs import IdConverter, Request
from dutydesk.models import guards
from dutydesk.models.types import render_migration_item
from dutydesk.people.views import bp as people_bp
from dutydesk.returns.views import bp as returns_bp
from dutydesk.statistics import reporting
from dutydesk.statistics.views import bp as statistics_bp
from dutydesk.work.views import bp as work_bp

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | Config = Config) -> Flask:
    """Build the web application. It never starts the scheduler (that is its own process)."""
    app = Flask(
        __name__,
        static_folder="static",
        static_url_path="/assets",
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config)
    secret_key.check_secret_key(app.config)
    app.request_class = Request
    # Every number in dutydesk's addresses is a row's id: anything that cannot be one is a 404.
    app.url_map.converters["int"] = IdConverter
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(ROOT / "templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    db.init_app(app)
    with app.app_context():
        database.configure(db.engine)
    reporting.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True, render_item=render_migration_item)
    csrf.init_app(app)
    limiter.init_app(app)  # after CSRF: a sign-in without a valid token never reaches the limits
    login_manager.init_app(app)
    WTFormsHelpers(app)
    guards.install()

    auth_session.init_app(app)
    display.init_app(app)
    errors.init_app(app)
    access.init_app(app)
    security.init_app(app)
    submissions.init_app(app)  # after CSRF and sign-in: only a signed-in person's valid post is answered
    app.register_blueprint(core_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(contacts_bp)
    app.register_blueprint(board_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(protection_bp)
    app.register_blueprint(casework_bp)
    app.register_blueprint(chronology_bp)
    app.register_blueprint(children_bp)
    app.register_blueprint(work_bp)
    app.register_blueprint(absences_bp)
    app.register_blueprint(escalations_views.bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(returns_bp)
    app.register_blueprint(statistics_bp)
    app.register_blueprint(governance_views.bp)
    escalations_views.init_app(app)
    governance_views.init_app(app)
    cli.init_app(app)
    return app
