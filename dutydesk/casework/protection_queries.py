"""Read-only questions about section 47 enquiries, plans and strategy reviews."""

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from dutydesk import permissions
from dutydesk.extensions import db
from dutydesk.models import Obligation, RoleGrant, Section47Enquiry, StrategyDiscussion, User


def list_reviewers() -> list[User]:
    """R51: the staff who may review a strategy discussion: active duty workers, managers and
    senior managers."""
    roles = permissions.DUTY_TEAM_WORK | permissions.SOCIAL_CARE_MANAGER
    return db.session.scalars(
        select(User).where(User.is_active.is_(True),
                           exists().where(RoleGrant.user_id == User.id, RoleGrant.role.in_(roles),
                                          RoleGrant.in_force()))
        .options(selectinload(User.team)).order_by(User.display_name)
    ).all()


def get_enquiry_of_conference(obligation: Obligation) -> Section47Enquiry | None:
    """The section 47 enquiry whose initial conference this clock is."""
    return db.session.scalar(select(Section47Enquiry).where(Section47Enquiry.conference_obligation_id == obligation.id))


def get_discussion_of_review(obligation: Obligation) -> StrategyDiscussion | None:
    """The strategy discussion whose review this clock is."""
    return db.session.scalar(select(StrategyDiscussion).where(StrategyDiscussion.review_obligation_id == obligation.id))
