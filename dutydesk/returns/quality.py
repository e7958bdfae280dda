"""The census's data-quality report: every problem `census.check` finds in a year's records,
with the child's name, ready to list on a page or write to a file."""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dutydesk.models import Child
from dutydesk.returns.census import CensusYear, Problem, Summary, children_in_need


@dataclass
class QualityReport:
    year: CensusYear
    summary: Summary = field(default_factory=Summary)
    problems: list[Problem] = field(default_factory=list)
    #: Each problem's child: (record reference, name), and the calls about them (for the view log).
    children: dict[int, tuple[str, str]] = field(default_factory=dict)
    contacts: dict[int, set[int]] = field(default_factory=dict)

    @property
    def contact_ids(self) -> set[int]:
        return set().union(*self.contacts.values())

    def contacts_of(self, child_ids) -> set[int]:
        """The calls about these children (a view of them is logged as a view of their calls)."""
        return set().union(*(self.contacts.get(child_id, set()) for child_id in child_ids))

    @property
    def by_rule(self) -> list[tuple[str, int]]:
        """How many problems of each rule, the most frequent first."""
        return Counter(problem.rule for problem in self.problems).most_common()

    @property
    def is_clean(self) -> bool:
        return not self.problems


def quality_report(session: Session, year: CensusYear) -> QualityReport:
    """Read the year's census and keep its problems, naming each child."""
    report = QualityReport(year)
    for child in children_in_need(session, year):
        report.summary.add(child)
        if child.problems:
            report.problems.extend(child.problems)
            report.contacts[child.id] = {episode.contact_id for episode in child.episodes}
    ids = sorted({problem.child_id for problem in report.problems})
    for start in range(0, len(ids), 500):
        for record in session.scalars(select(Child).options(selectinload(Child.names))
                                      .where(Child.id.in_(ids[start:start + 500]))):
            report.children[record.id] = (record.reference, record.display_name)
    return report
