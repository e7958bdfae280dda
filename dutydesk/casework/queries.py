"""Read-only questions about what happened after the referral: a case's assessments, the needs
they identified and their services, and the assessment clock."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dutydesk.extensions import db
from dutydesk.models import Assessment, IdentifiedNeed, Obligation, ObligationKind, Referral, Service


def _assessment_options():
    return (selectinload(Assessment.referral), selectinload(Assessment.recorded_by),
            selectinload(Assessment.completed_by), selectinload(Assessment.authorised_by),
            selectinload(Assessment.needs).selectinload(IdentifiedNeed.services))


def get_assessment(assessment_id: int) -> Assessment | None:
    return db.session.scalar(select(Assessment).where(Assessment.id == assessment_id)
                             .options(*_assessment_options()))


def get_need(need_id: int) -> IdentifiedNeed | None:
    return db.session.scalar(select(IdentifiedNeed).where(IdentifiedNeed.id == need_id)
                             .options(selectinload(IdentifiedNeed.assessment).selectinload(Assessment.referral),
                                      selectinload(IdentifiedNeed.services)))


def get_service(service_id: int) -> Service | None:
    return db.session.scalar(select(Service).where(Service.id == service_id)
                             .options(selectinload(Service.need).selectinload(IdentifiedNeed.assessment)))


def list_assessments(referral_id: int) -> list[Assessment]:
    """A case's assessments, oldest first, with their needs and services."""
    return db.session.scalars(select(Assessment).where(Assessment.referral_id == referral_id)
                              .options(*_assessment_options()).order_by(Assessment.id)).all()


def get_assessment_clock(referral: Referral) -> Obligation | None:
    """The case's "Assessment completed" clock: the open one, else the latest (met or withdrawn)."""
    clocks = db.session.scalars(
        select(Obligation).where(Obligation.kind == ObligationKind.ASSESSMENT,
                                 Obligation.contact_id == referral.contact_id,
                                 Obligation.child_id == referral.child_id)
        .options(selectinload(Obligation.met_by), selectinload(Obligation.worker))
        .order_by(Obligation.id)).all()
    return next((clock for clock in clocks if clock.met_at is None), None) or (clocks[-1] if clocks else None)
