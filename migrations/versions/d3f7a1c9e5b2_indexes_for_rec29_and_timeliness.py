"""Indexes for Rec 29 and timeliness: each statistic read from an index, not from every row

The plans over a million calls (benchmarks/rec29.py) showed the statistics reading rows they do
not need: every clock ever recorded for a year's timeliness, and for each referral and assessment
counted, the row of its referral, its call's child and the child's record. Each index below lets a
count read an index alone:

- referrals (referred_on, team_id, child_id) in place of (referred_on), and (id, child_id, team_id):
  a period's referrals, and each assessment's referral, with the child and the team;
- assessments (authorised_on, requires_service, referral_id) in place of (authorised_on);
- services (need_id, started_on) in place of (need_id): whether a need had a service by a date;
- contact_children (id, child_id): the record of the call's child;
- children (id, merged_into_id) where merged_into_id is set: the few records merged into another,
  the only ones the statistics join (statistics/rec29.py CHILD);
- obligations (kind, due_at, team_id), four partial indexes, one for each way a clock ended
  (met on time, met late, open, withdrawn), whose WHERE is timeliness's own condition for it.

Plain CREATE and DROP INDEX on both databases: no table is copied, so the tables' triggers
(guards.protect_table) stay.

Revision ID: d3f7a1c9e5b2
Revises: e4f7a2c9b1d5
Create Date: 2026-12-03 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3f7a1c9e5b2'
down_revision = 'e4f7a2c9b1d5'
branch_labels = None
depends_on = None

#: Each way a clock ended, as timeliness says it on SQLite and on PostgreSQL (models/work.py).
CLOCK_STATE_WHERE = {
    'met_on_time': ('met_at IS NOT NULL AND is_withdrawn IS 0 AND met_at <= due_at',
                    'met_at IS NOT NULL AND is_withdrawn IS false AND met_at <= due_at'),
    'met_late': ('met_at IS NOT NULL AND is_withdrawn IS 0 AND met_at > due_at',
                 'met_at IS NOT NULL AND is_withdrawn IS false AND met_at > due_at'),
    'open': ('met_at IS NULL', 'met_at IS NULL'),
    'withdrawn': ('is_withdrawn IS 1', 'is_withdrawn IS true'),
}
MERGED = sa.text('merged_into_id IS NOT NULL')


def upgrade():
    op.create_index('ix_referrals_referred_on_team_id_child_id', 'referrals', ['referred_on', 'team_id', 'child_id'])
    op.drop_index('ix_referrals_referred_on', 'referrals')
    op.create_index('ix_referrals_id_child_id_team_id', 'referrals', ['id', 'child_id', 'team_id'])
    op.create_index('ix_assessments_authorised_on_requires_service', 'assessments',
                    ['authorised_on', 'requires_service', 'referral_id'])
    op.drop_index('ix_assessments_authorised_on', 'assessments')
    op.create_index('ix_services_need_id_started_on', 'services', ['need_id', 'started_on'])
    op.drop_index('ix_services_need_id', 'services')
    op.create_index('ix_contact_children_id_child_id', 'contact_children', ['id', 'child_id'])
    op.create_index('ix_children_merged', 'children', ['id', 'merged_into_id'], sqlite_where=MERGED,
                    postgresql_where=MERGED)
    for state, (sqlite, postgresql) in CLOCK_STATE_WHERE.items():
        op.create_index(f'ix_obligations_clocks_{state}', 'obligations', ['kind', 'due_at', 'team_id'],
                        sqlite_where=sa.text(sqlite), postgresql_where=sa.text(postgresql))


def downgrade():
    for state in reversed(CLOCK_STATE_WHERE):
        op.drop_index(f'ix_obligations_clocks_{state}', 'obligations')
    op.drop_index('ix_children_merged', 'children')
    op.drop_index('ix_contact_children_id_child_id', 'contact_children')
    op.create_index('ix_services_need_id', 'services', ['need_id'])
    op.drop_index('ix_services_need_id_started_on', 'services')
    op.create_index('ix_assessments_authorised_on', 'assessments', ['authorised_on'])
    op.drop_index('ix_assessments_authorised_on_requires_service', 'assessments')
    op.drop_index('ix_referrals_id_child_id_team_id', 'referrals')
    op.create_index('ix_referrals_referred_on', 'referrals', ['referred_on'])
    op.drop_index('ix_referrals_referred_on_team_id_child_id', 'referrals')
