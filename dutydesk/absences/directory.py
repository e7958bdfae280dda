"""Who stands in for whom at a moment: the one home of the R50 routing rule.

An absent worker's new work, post and escalations go to their cover; with no cover (or a cover
who is away or has left), to their team's duty manager; if the manager is away too, to the
team's senior managers. The sweep loads one Directory per batch; single routing decisions
(a new action, a letter) load one for the moment they happen. Teams, staff and current
absences are small tables, so a Directory is a few small reads.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from dutydesk.extensions import db
from dutydesk.models import Absence, Team, User

#: Following cover to cover (a cover who is away has their own) stops after this many hops.
_MAX_HOPS = 4


@dataclass
class Directory:
    team_of: dict[int, int | None] = field(default_factory=dict)
    active: set[int] = field(default_factory=set)
    manager_of: dict[int, int | None] = field(default_factory=dict)
    #: Worker id → the absence that covers the moment.
    absences: dict[int, Absence] = field(default_factory=dict)

    @classmethod
    def load(cls, at: datetime) -> "Directory":
        directory = cls()
        for user_id, team_id, is_active in db.session.execute(select(User.id, User.team_id, User.is_active)):
            directory.team_of[user_id] = team_id
            if is_active:
                directory.active.add(user_id)
        for team_id, manager_id in db.session.execute(select(Team.id, Team.manager_id)):
            directory.manager_of[team_id] = manager_id
        for absence in db.session.scalars(
                select(Absence).where(Absence.in_force_at(at)).order_by(Absence.starts_at)):
            directory.absences[absence.worker_id] = absence
        return directory

    def is_away(self, user_id: int) -> bool:
        return user_id in self.absences

    def stand_in(self, user_id: int | None) -> int | None:
        """Who acts for the person now: themselves if present, else their cover or manager.
        None means the senior managers, who see everything addressed to no one."""
        for _ in range(_MAX_HOPS):
            if user_id is None or (user_id in self.active and user_id not in self.absences):
                return user_id
            user_id = self._next_in_line(user_id)
        return user_id

    def _next_in_line(self, user_id: int) -> int | None:
        absence = self.absences.get(user_id)
        if absence is not None and absence.cover_id is not None and absence.cover_id in self.active:
            return absence.cover_id
        manager_id = self.manager_of.get(self.team_of.get(user_id))
        return manager_id if manager_id != user_id else None

    def team_manager(self, team_id: int) -> int | None:
        """The team's duty manager, or whoever stands in for them (None: the senior managers)."""
        return self.stand_in(self.manager_of.get(team_id))
