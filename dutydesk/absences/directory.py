"""Who stands in for whom at a moment: the one home of the R50 routing rule.

An absent worker's new work, post and escalations go to their cover; a cover who is away has
their own cover, and so on. When the covers run out (none named, or each one away, left, or
already passed on the way), they go to the worker's team manager, or whoever stands in for the
manager by the same rule; when nobody is left, to the senior managers (None). Nobody away or
deactivated is ever the answer, and every person is asked about at most once, so chains of
cover end and cycles of cover (Wes covers Priya while Priya covers Wes) cannot loop.

The sweep loads one Directory per batch; single routing decisions (a new action, a letter) load
one for the moment they happen. Teams, staff and current absences are small tables, so a
Directory is a few small reads.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from dutydesk.extensions import db
from dutydesk.models import Absence, Team, User


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

    def is_present(self, user_id: int) -> bool:
        """Working now: active, and not away."""
        return user_id in self.active and user_id not in self.absences

    def stand_in(self, user_id: int | None) -> int | None:
        """Who acts for the person now: themselves if present, else the first present person
        along their covers, else their team manager (or whoever stands in for the manager).
        None means the senior managers, who see everything addressed to no one."""
        if user_id is None:
            return None
        asked: set[int] = set()
        found = self._along_covers(user_id, asked)
        if found is not None:
            return found
        manager_id = self.manager_of.get(self.team_of.get(user_id))
        return None if manager_id is None else self._along_covers(manager_id, asked)

    def _along_covers(self, user_id: int, asked: set[int]) -> int | None:
        """The first present person from user_id along the covers of those away, not asked before."""
        while user_id is not None and user_id not in asked:
            if self.is_present(user_id):
                return user_id
            asked.add(user_id)
            # A leaver's cover is not followed: their work goes to their team, not to an old cover.
            absence = self.absences.get(user_id) if user_id in self.active else None
            user_id = absence.cover_id if absence is not None else None
        return None

    def team_manager(self, team_id: int) -> int | None:
        """The team's duty manager, or whoever stands in for them (None: the senior managers)."""
        return self.stand_in(self.manager_of.get(team_id))
