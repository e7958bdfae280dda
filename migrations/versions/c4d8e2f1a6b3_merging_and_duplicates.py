"""Merging children's records, and the list of likely duplicates (R2.5)

child_merges: each record merged into another, who merged it, when and why, and its undoing;
only ever ended (guards.EndOnly: undone once, with who, when and why; nothing else changes).
not_same_children: a manager's word that two records are not the same child; append-only.
duplicate_scans and duplicate_pairs: the duplicates finder's runs and the pairs the last one
found, remade wholesale by each run, so purgeable (guards.PURGEABLE_TABLES).

Revision ID: c4d8e2f1a6b3
Revises: e08222ac41cc
Create Date: 2026-12-03 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

from dutydesk.models import guards

# revision identifiers, used by Alembic.
revision = 'c4d8e2f1a6b3'
down_revision = 'e08222ac41cc'
branch_labels = None
depends_on = None

#: The end-only columns of child_merges at this revision, as its triggers name them.
MERGE_ENDS = guards.EndOnly(ends=('undone_at', 'undone_by_id', 'undo_reason'),
                            fixed=('id', 'child_id', 'into_id', 'merged_at', 'merged_by_id', 'reason'))


def upgrade():
    op.create_table(
        'child_merges',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('into_id', sa.Integer(), nullable=False),
        sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('merged_by_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('undone_by_id', sa.Integer(), nullable=True),
        sa.Column('undo_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_child_merges_child_id_children')),
        sa.ForeignKeyConstraint(['into_id'], ['children.id'], name=op.f('fk_child_merges_into_id_children')),
        sa.ForeignKeyConstraint(['merged_by_id'], ['users.id'], name=op.f('fk_child_merges_merged_by_id_users')),
        sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_child_merges_undone_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_child_merges')),
    )
    op.create_index(op.f('ix_child_merges_child_id'), 'child_merges', ['child_id'], unique=False)
    op.create_index(op.f('ix_child_merges_into_id'), 'child_merges', ['into_id'], unique=False)
    op.create_table(
        'not_same_children',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('other_id', sa.Integer(), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_not_same_children_child_id_children')),
        sa.ForeignKeyConstraint(['other_id'], ['children.id'], name=op.f('fk_not_same_children_other_id_children')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_not_same_children_decided_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_not_same_children')),
    )
    op.create_index('ix_not_same_children_pair', 'not_same_children', ['child_id', 'other_id'], unique=False)
    op.create_table(
        'duplicate_scans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('records', sa.Integer(), nullable=False),
        sa.Column('pairs', sa.Integer(), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_scans')),
    )
    op.create_index(op.f('ix_duplicate_scans_finished_at'), 'duplicate_scans', ['finished_at'], unique=False)
    op.create_table(
        'duplicate_pairs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('other_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('is_likely', sa.Boolean(), nullable=False),
        sa.Column('reasons', sa.JSON(), nullable=False),
        sa.Column('scan_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_duplicate_pairs_child_id_children')),
        sa.ForeignKeyConstraint(['other_id'], ['children.id'], name=op.f('fk_duplicate_pairs_other_id_children')),
        sa.ForeignKeyConstraint(['scan_id'], ['duplicate_scans.id'],
                                name=op.f('fk_duplicate_pairs_scan_id_duplicate_scans')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_pairs')),
        sa.UniqueConstraint('child_id', 'other_id', name=op.f('uq_duplicate_pairs_child_id_other_id')),
    )
    op.create_index(op.f('ix_duplicate_pairs_child_id'), 'duplicate_pairs', ['child_id'], unique=False)
    op.create_index(op.f('ix_duplicate_pairs_other_id'), 'duplicate_pairs', ['other_id'], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in (guards.protect_table(dialect, 'child_merges', append_only=False, end_only=MERGE_ENDS)
                      + guards.protect_table(dialect, 'not_same_children', append_only=True)):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in ('child_merges', 'not_same_children'):
        for statement in guards.unprotect_table(dialect, table, append_only=True):
            op.execute(statement)
    op.drop_index(op.f('ix_duplicate_pairs_other_id'), table_name='duplicate_pairs')
    op.drop_index(op.f('ix_duplicate_pairs_child_id'), table_name='duplicate_pairs')
    op.drop_table('duplicate_pairs')
    op.drop_index(op.f('ix_duplicate_scans_finished_at'), table_name='duplicate_scans')
    op.drop_table('duplicate_scans')
    op.drop_index('ix_not_same_children_pair', table_name='not_same_children')
    op.drop_table('not_same_children')
    op.drop_index(op.f('ix_child_merges_into_id'), table_name='child_merges')
    op.drop_index(op.f('ix_child_merges_child_id'), table_name='child_merges')
    op.drop_table('child_merges')
