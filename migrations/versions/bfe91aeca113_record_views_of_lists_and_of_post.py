"""Record views of children seen in lists (the board, queues, my work) and of post and messages

Revision ID: bfe91aeca113
Revises: c5897cdcc200
Create Date: 2026-12-02 12:44:36.609192

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bfe91aeca113'
down_revision = 'c5897cdcc200'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('record_views', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inbox_item_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('is_list', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.alter_column('contact_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.drop_index(batch_op.f('ix_record_views_user_id'))
        batch_op.create_index(batch_op.f('ix_record_views_inbox_item_id'), ['inbox_item_id'], unique=False)
        batch_op.create_index('ix_record_views_user_id_at', ['user_id', 'at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_record_views_inbox_item_id_inbox_items'), 'inbox_items', ['inbox_item_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_record_views_record_view_has_one_subject'),
                                         '(contact_id IS NULL) <> (inbox_item_id IS NULL)')


def downgrade():
    with op.batch_alter_table('record_views', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_record_views_record_view_has_one_subject'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_record_views_inbox_item_id_inbox_items'), type_='foreignkey')
        batch_op.drop_index('ix_record_views_user_id_at')
        batch_op.drop_index(batch_op.f('ix_record_views_inbox_item_id'))
        batch_op.create_index(batch_op.f('ix_record_views_user_id'), ['user_id'], unique=False)
        batch_op.alter_column('contact_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('is_list')
        batch_op.drop_column('inbox_item_id')
