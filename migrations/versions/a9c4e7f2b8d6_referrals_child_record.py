"""The child's record on each referral, so that the statistics count children from the referrals

Rec 29 counts distinct children, a child being their record. Until now each referral counted was
joined to its call's child for the record: over a year of a million calls (benchmarks/rec29.py)
that join was most of the time of "children referred" (PostgreSQL hashed every call's child, 320
ms; with the record on the referral, 51 ms) and of each repeat referral's search for an earlier
one. The record is copied from the call's child as each referral is written (models/cases.py
`_copy_child_record`); a call's child is linked to a record once and never relinked, so the copy
cannot fall behind.

One nullable column added in place (one ALTER TABLE on both databases), so that the table is not
copied and its triggers (guards.protect_table) stay; filled from the calls' children; the two
covering indexes of Rec 29 made on it in place of the call's child, and one for a child's
earlier referrals.

Revision ID: a9c4e7f2b8d6
Revises: d3f7a1c9e5b2
Create Date: 2026-12-03 14:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a9c4e7f2b8d6'
down_revision = 'd3f7a1c9e5b2'
branch_labels = None
depends_on = None

CONSTRAINT = 'fk_referrals_child_record_id_children'


def upgrade():
    op.execute(f'ALTER TABLE referrals ADD COLUMN child_record_id INTEGER '
               f'CONSTRAINT {CONSTRAINT} REFERENCES children (id)')
    op.execute('UPDATE referrals SET child_record_id = '
               '(SELECT child_id FROM contact_children WHERE contact_children.id = referrals.child_id)')
    op.drop_index('ix_referrals_referred_on_team_id_child_id', 'referrals')
    op.drop_index('ix_referrals_id_child_id_team_id', 'referrals')
    op.create_index('ix_referrals_referred_on_team_id_child_record_id', 'referrals',
                    ['referred_on', 'team_id', 'child_record_id'])
    op.create_index('ix_referrals_id_child_record_id_team_id', 'referrals', ['id', 'child_record_id', 'team_id'])
    op.create_index('ix_referrals_child_record_id_referred_on', 'referrals', ['child_record_id', 'referred_on'])


def downgrade():
    op.drop_index('ix_referrals_child_record_id_referred_on', 'referrals')
    op.drop_index('ix_referrals_id_child_record_id_team_id', 'referrals')
    op.drop_index('ix_referrals_referred_on_team_id_child_record_id', 'referrals')
    op.create_index('ix_referrals_id_child_id_team_id', 'referrals', ['id', 'child_id', 'team_id'])
    op.create_index('ix_referrals_referred_on_team_id_child_id', 'referrals', ['referred_on', 'team_id', 'child_id'])
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint(CONSTRAINT, 'referrals', type_='foreignkey')
    op.drop_column('referrals', 'child_record_id')
