"""Error pages that say what happened and what to do next."""

from flask import render_template, request
from flask_wtf.csrf import CSRFError

from dutydesk.extensions import db


def init_app(app) -> None:
    @app.errorhandler(403)
    def forbidden(error):
        return render_template("errors/403.html", message=error.description), 403

    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/404.html"), 404

    @app.errorhandler(405)
    def method_not_allowed(error):
        return render_template("errors/404.html"), 405

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return render_template("errors/csrf.html", back=request.referrer), 400

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_template("errors/500.html"), 500
