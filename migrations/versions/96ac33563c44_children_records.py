"""Children's records: one record per child across calls, with names and addresses over time (R2.5, R18)

The tables children, child_names, child_addresses and child_events; on contact_children the
link to the child's record (child_id) and R18's record of whether an interpreter was used and,
if one was needed and not, why.

Data: every existing child on a call gets a record of their own (one each: which records are
the same child is for the duplicates list to suggest, not for a migration to guess). The record
takes the id of the call's child it is made from, so that nothing need be looked up; later
records take ids from the sequence, set past them. Its name (unless not known) is its current
name, read into given names and a family name; its address (unless not known) its address,
normalised and with its postcode read; the date of birth or expected date of birth, first
language and interpreter need are copied; it was made when the call was logged, by whoever
logged it. Calls and cases follow: a case (referral) reaches the child through its call's child.

Protection: children are never deleted; child_events are append-only; a child's names and
addresses are only ever ended (guards.EndOnly: their end date set once, nothing else changed).
contact_children is protected (dabd151461ad): its columns are added and dropped in place,
never by the batch mode's copy, which on SQLite would drop its triggers. The foreign keys are
written into ADD COLUMN (CONSTRAINT name REFERENCES), which both databases accept in place.

Revision ID: 96ac33563c44
Revises: f6a2b8c4d1e5
Create Date: 2026-12-04 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

from dutydesk.children.normalise import (is_unknown_address, is_unknown_name, normalise_address, parse_postcode,
                                         split_name, tidy)
from dutydesk.models import guards

# revision identifiers, used by Alembic.
revision = '96ac33563c44'
down_revision = 'f6a2b8c4d1e5'
branch_labels = None
depends_on = None

#: The columns of the end-only tables at this revision, as their triggers name them.
ENDS = ('to_date', 'ended_at', 'ended_by_id')
NAME_COLUMNS = ('id', 'child_id', 'kind', 'full_name', 'given_names', 'family_name', 'from_date',
                'recorded_at', 'recorded_by_id')
ADDRESS_COLUMNS = ('id', 'child_id', 'address', 'normalised', 'postcode', 'from_date', 'recorded_at',
                   'recorded_by_id')
#: (table, append_only, end-only columns or None)
PROTECTED = (
    ('children', False, None),
    ('child_events', True, None),
    ('child_names', False, guards.EndOnly(ends=ENDS, fixed=NAME_COLUMNS)),
    ('child_addresses', False, guards.EndOnly(ends=ENDS, fixed=ADDRESS_COLUMNS)),
)
#: How many rows the data migration writes at a time.
BATCH = 1000


def _history_columns():
    return [
        sa.Column('from_date', sa.Date(), nullable=True),
        sa.Column('to_date', sa.Date(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_by_id', sa.Integer(), nullable=True),
    ]


def _history_keys(table):
    return [
        sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f(f'fk_{table}_child_id_children')),
        sa.ForeignKeyConstraint(['ended_by_id'], ['users.id'], name=op.f(f'fk_{table}_ended_by_id_users')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f(f'fk_{table}_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def _create_tables():
    op.create_table(
        'children',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('date_of_birth', sa.Date(), nullable=True),
        sa.Column('expected_date_of_birth', sa.Date(), nullable=True),
        sa.Column('sex', sa.Enum('M', 'F', 'U', name='sex', native_enum=False), nullable=False),
        sa.Column('ethnicity', sa.Enum('WBRI', 'WIRI', 'WIRT', 'WOTH', 'WROM', 'MWBC', 'MWBA', 'MWAS', 'MOTH',
                                       'AIND', 'APKN', 'ABAN', 'AOTH', 'BCRB', 'BAFR', 'BOTH', 'CHNE', 'OOTH',
                                       'REFU', 'NOBT', name='ethnicity', native_enum=False), nullable=True),
        sa.Column('disabilities', sa.JSON(), nullable=True),
        sa.Column('upn', sa.String(length=13), nullable=True),
        sa.Column('first_language', sa.String(length=100), nullable=False),
        sa.Column('interpreter_need', sa.Enum('needed', 'not_needed', 'not_known', name='interpreterneed',
                                              native_enum=False, length=30), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('merged_into_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_children_created_by_id_users')),
        sa.ForeignKeyConstraint(['merged_into_id'], ['children.id'], name=op.f('fk_children_merged_into_id_children')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_children')),
    )
    op.create_index(op.f('ix_children_merged_into_id'), 'children', ['merged_into_id'], unique=False)
    op.create_index(op.f('ix_children_upn'), 'children', ['upn'], unique=False)
    op.create_table(
        'child_names',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('current', 'known_as', 'other_surname', 'alias', name='namekind',
                                  native_enum=False, length=30), nullable=False),
        sa.Column('full_name', sa.String(length=200), nullable=False),
        sa.Column('given_names', sa.String(length=200), nullable=False),
        sa.Column('family_name', sa.String(length=200), nullable=False),
        *_history_columns(),
        *_history_keys('child_names'),
    )
    op.create_index(op.f('ix_child_names_child_id'), 'child_names', ['child_id'], unique=False)
    op.create_table(
        'child_addresses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('address', sa.Text(), nullable=False),
        sa.Column('normalised', sa.Text(), nullable=False),
        sa.Column('postcode', sa.String(length=8), nullable=True),
        *_history_columns(),
        *_history_keys('child_addresses'),
    )
    op.create_index(op.f('ix_child_addresses_child_id'), 'child_addresses', ['child_id'], unique=False)
    op.create_index(op.f('ix_child_addresses_postcode'), 'child_addresses', ['postcode'], unique=False)
    op.create_table(
        'child_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('by_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=50), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_child_events_by_id_users')),
        sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_child_events_child_id_children')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_child_events')),
    )
    op.create_index(op.f('ix_child_events_child_id'), 'child_events', ['child_id'], unique=False)


def _add_contact_children_columns():
    for column, target in (('child_id', 'children'), ('interpreter_recorded_by_id', 'users')):
        op.execute(f'ALTER TABLE contact_children ADD COLUMN {column} INTEGER '
                   f'CONSTRAINT fk_contact_children_{column}_{target} REFERENCES {target} (id)')
    op.create_index(op.f('ix_contact_children_child_id'), 'contact_children', ['child_id'], unique=False)
    op.add_column('contact_children', sa.Column('is_interpreter_used', sa.Boolean(), nullable=True))
    op.add_column('contact_children', sa.Column('interpreter_not_used_reason', sa.Text(), server_default='',
                                                nullable=False))
    op.add_column('contact_children', sa.Column('interpreter_recorded_at', sa.DateTime(timezone=True),
                                                nullable=True))


def _make_records():
    """One child's record for every child on a call, with their name and address."""
    bind = op.get_bind()
    contact_children = sa.table(
        'contact_children', sa.column('id'), sa.column('contact_id'), sa.column('name'), sa.column('is_name_known'),
        sa.column('date_of_birth'), sa.column('expected_date_of_birth'), sa.column('address'),
        sa.column('first_language'), sa.column('interpreter_need'), sa.column('child_id'))
    contacts = sa.table('contacts', sa.column('id'), sa.column('logged_at'), sa.column('logged_by_id'))
    children = sa.table(
        'children', sa.column('id'), sa.column('date_of_birth'), sa.column('expected_date_of_birth'),
        sa.column('sex'), sa.column('first_language'), sa.column('interpreter_need'), sa.column('created_at'),
        sa.column('created_by_id'))
    names = sa.table('child_names', *(sa.column(name) for name in ('child_id', 'kind', 'full_name', 'given_names',
                                                                   'family_name', 'recorded_at', 'recorded_by_id')))
    addresses = sa.table('child_addresses', *(sa.column(name) for name in ('child_id', 'address', 'normalised',
                                                                         'postcode', 'recorded_at',
                                                                         'recorded_by_id')))
    rows = bind.execute(
        sa.select(contact_children, contacts.c.logged_at, contacts.c.logged_by_id)
        .join(contacts, contacts.c.id == contact_children.c.contact_id).order_by(contact_children.c.id)
    ).mappings()
    while batch := rows.fetchmany(BATCH):
        made = [{'id': row['id'], 'date_of_birth': row['date_of_birth'],
                 'expected_date_of_birth': row['expected_date_of_birth'], 'sex': 'U',
                 'first_language': tidy(row['first_language']), 'interpreter_need': row['interpreter_need'],
                 'created_at': row['logged_at'], 'created_by_id': row['logged_by_id']} for row in batch]
        bind.execute(children.insert(), made)
        known = [(row, tidy(row['name'])) for row in batch if row['is_name_known'] and not is_unknown_name(row['name'])]
        if known:
            bind.execute(names.insert(), [
                {'child_id': row['id'], 'kind': 'current', 'full_name': name, 'given_names': split_name(name)[0],
                 'family_name': split_name(name)[1], 'recorded_at': row['logged_at'],
                 'recorded_by_id': row['logged_by_id']} for row, name in known])
        housed = [row for row in batch if not is_unknown_address(row['address'])]
        if housed:
            bind.execute(addresses.insert(), [
                {'child_id': row['id'], 'address': tidy(row['address']),
                 'normalised': normalise_address(row['address']), 'postcode': parse_postcode(row['address']),
                 'recorded_at': row['logged_at'], 'recorded_by_id': row['logged_by_id']} for row in housed])
    bind.execute(contact_children.update().values(child_id=contact_children.c.id))
    if bind.dialect.name == 'postgresql':
        bind.execute(sa.text("SELECT setval(pg_get_serial_sequence('children', 'id'), "
                             "(SELECT COALESCE(MAX(id), 0) + 1 FROM children), false)"))


def upgrade():
    _create_tables()
    _add_contact_children_columns()
    _make_records()
    dialect = op.get_bind().dialect.name
    for table, append_only, end_only in PROTECTED:
        for statement in guards.protect_table(dialect, table, append_only=append_only, end_only=end_only):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table, append_only, end_only in PROTECTED:
        for statement in guards.unprotect_table(dialect, table, append_only=append_only or end_only is not None):
            op.execute(statement)
    op.drop_index(op.f('ix_contact_children_child_id'), table_name='contact_children')
    if dialect == 'postgresql':
        op.drop_constraint('fk_contact_children_child_id_children', 'contact_children', type_='foreignkey')
        op.drop_constraint('fk_contact_children_interpreter_recorded_by_id_users', 'contact_children',
                           type_='foreignkey')
    for column in ('interpreter_recorded_by_id', 'interpreter_recorded_at', 'interpreter_not_used_reason',
                   'is_interpreter_used', 'child_id'):
        op.drop_column('contact_children', column)
    for table in ('child_events', 'child_addresses', 'child_names'):
        op.drop_index(op.f(f'ix_{table}_child_id'), table_name=table)
    op.drop_index(op.f('ix_child_addresses_postcode'), table_name='child_addresses')
    op.drop_index(op.f('ix_children_upn'), table_name='children')
    op.drop_index(op.f('ix_children_merged_into_id'), table_name='children')
    for table in ('child_events', 'child_addresses', 'child_names', 'children'):
        op.drop_table(table)
