"""The records check (R2.5): each child's search keys, and every check made on a call with its outcome

child_search_keys holds the blocking keys of every child's record (children/search_keys.py), derived
from their names, dates and addresses and so purgeable (guards.PURGEABLE_TABLES); it is filled here
for the records already held, and `flask children index` adds any that are missing later.
records_checks holds each check made for a child named on a call: who, when, how many children
were weighed, those offered with why, and the record linked to or made; append-only.

Revision ID: a7c3e9d1b2f4
Revises: 96ac33563c44
Create Date: 2026-12-03 07:00:00.000000

"""
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from dutydesk.children.search_keys import search_keys_for_child
from dutydesk.models import guards

# revision identifiers, used by Alembic.
revision = 'a7c3e9d1b2f4'
down_revision = '96ac33563c44'
branch_labels = None
depends_on = None

#: How many children's keys the data migration writes at a time.
BATCH = 1000


def _create_tables():
    op.create_table(
        'child_search_keys',
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_child_search_keys_child_id_children')),
        sa.PrimaryKeyConstraint('key', 'child_id', name=op.f('pk_child_search_keys')),
    )
    op.create_index(op.f('ix_child_search_keys_child_id'), 'child_search_keys', ['child_id'], unique=False)
    op.create_table(
        'records_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contact_child_id', sa.Integer(), nullable=False),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('checked_by_id', sa.Integer(), nullable=False),
        sa.Column('weighed', sa.Integer(), nullable=False),
        sa.Column('offered', sa.JSON(), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('is_linked', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_records_checks_checked_by_id_users')),
        sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_records_checks_child_id_children')),
        sa.ForeignKeyConstraint(['contact_child_id'], ['contact_children.id'],
                                name=op.f('fk_records_checks_contact_child_id_contact_children')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_records_checks')),
    )
    op.create_index(op.f('ix_records_checks_child_id'), 'records_checks', ['child_id'], unique=False)
    op.create_index(op.f('ix_records_checks_contact_child_id'), 'records_checks', ['contact_child_id'], unique=False)


def _index_records():
    """The keys of every child's record held now, from their names, dates and addresses."""
    bind = op.get_bind()
    children = sa.table('children', sa.column('id'), sa.column('date_of_birth', sa.Date()),
                        sa.column('expected_date_of_birth', sa.Date()))
    names = sa.table('child_names', sa.column('child_id'), sa.column('given_names'), sa.column('family_name'),
                     sa.column('kind'))
    addresses = sa.table('child_addresses', sa.column('child_id'), sa.column('address'))
    keys = sa.table('child_search_keys', sa.column('key'), sa.column('child_id'))
    last_id = 0
    while batch := bind.execute(sa.select(children).where(children.c.id > last_id)
                                .order_by(children.c.id).limit(BATCH)).all():
        first, last_id = batch[0].id, batch[-1].id
        named, housed = defaultdict(list), defaultdict(list)
        for row in bind.execute(sa.select(names).where(names.c.child_id.between(first, last_id))):
            named[row.child_id].append((row.given_names, row.family_name, row.kind))
        for row in bind.execute(sa.select(addresses).where(addresses.c.child_id.between(first, last_id))):
            housed[row.child_id].append(row.address)
        rows = []
        for child in batch:
            day = child.date_of_birth or child.expected_date_of_birth
            found = search_keys_for_child(named[child.id], day, housed[child.id],
                                          is_expected_date=child.date_of_birth is None and day is not None)
            rows += [{'key': key, 'child_id': child.id} for key in sorted(found)]
        if rows:
            bind.execute(keys.insert(), rows)


def upgrade():
    _create_tables()
    _index_records()
    for statement in guards.protect_table(op.get_bind().dialect.name, 'records_checks', append_only=True):
        op.execute(statement)


def downgrade():
    for statement in guards.unprotect_table(op.get_bind().dialect.name, 'records_checks', append_only=True):
        op.execute(statement)
    op.drop_index(op.f('ix_records_checks_contact_child_id'), table_name='records_checks')
    op.drop_index(op.f('ix_records_checks_child_id'), table_name='records_checks')
    op.drop_table('records_checks')
    op.drop_index(op.f('ix_child_search_keys_child_id'), table_name='child_search_keys')
    op.drop_table('child_search_keys')
