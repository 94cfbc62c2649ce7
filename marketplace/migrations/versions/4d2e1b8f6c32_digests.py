"""digests: preferences, outbox, held notices, saved-search deliveries, bounces, scheduler runs

Revision ID: 4d2e1b8f6c32
Revises: 3c1f0a7e5b21
Create Date: 2026-11-27 09:00:00

Only tables of their own: nothing here depends on the pipeline tables of the previous revision.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d2e1b8f6c32'
down_revision = '3c1f0a7e5b21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bounced_addresses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('code', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bounced_addresses')),
    sa.UniqueConstraint('address', name=op.f('uq_bounced_addresses_address'))
    )
    op.create_table('scheduler_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduler_runs')),
    sa.UniqueConstraint('job', 'period', name=op.f('uq_scheduler_runs_job'))
    )
    op.create_table('notification_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('mode', sa.Enum('OFF', 'IMMEDIATE', 'DAILY', 'WEEKLY', name='deliverymode', native_enum=False, length=16), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preferences')),
    sa.UniqueConstraint('user_id', 'topic', name=op.f('uq_notification_preferences_user_id'))
    )
    with op.batch_alter_table('notification_preferences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_preferences_user_id'), ['user_id'], unique=False)

    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('stream', sa.String(length=40), nullable=False),
    sa.Column('period', sa.String(length=160), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('PENDING', 'SENDING', 'SENT', 'FAILED', 'CANCELLED', name='outboxstatus', native_enum=False, length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('covers_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outbox_messages_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('user_id', 'kind', 'stream', 'period', name=op.f('uq_outbox_messages_user_id'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_user_id'), ['user_id'], unique=False)

    op.create_table('held_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('mode', sa.Enum('OFF', 'IMMEDIATE', 'DAILY', 'WEEKLY', name='deliverymode', native_enum=False, length=16), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('digest_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['digest_id'], ['outbox_messages.id'], name=op.f('fk_held_notifications_digest_id_outbox_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_held_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_notifications')),
    sa.UniqueConstraint('user_id', 'kind', 'key', name=op.f('uq_held_notifications_user_id'))
    )
    with op.batch_alter_table('held_notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_held_notifications_digest_id'), ['digest_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_held_notifications_user_id'), ['user_id'], unique=False)

    op.create_table('saved_search_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('saved_search_id', sa.Integer(), nullable=False),
    sa.Column('item_ref', sa.String(length=24), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox_messages.id'], name=op.f('fk_saved_search_deliveries_outbox_id_outbox_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['saved_search_id'], ['saved_searches.id'], name=op.f('fk_saved_search_deliveries_saved_search_id_saved_searches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_search_deliveries')),
    sa.UniqueConstraint('saved_search_id', 'item_ref', name=op.f('uq_saved_search_deliveries_saved_search_id'))
    )
    with op.batch_alter_table('saved_search_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_search_deliveries_saved_search_id'), ['saved_search_id'], unique=False)


def downgrade():
    with op.batch_alter_table('saved_search_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_search_deliveries_saved_search_id'))

    op.drop_table('saved_search_deliveries')
    with op.batch_alter_table('held_notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_held_notifications_user_id'))
        batch_op.drop_index(batch_op.f('ix_held_notifications_digest_id'))

    op.drop_table('held_notifications')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_user_id'))
        batch_op.drop_index('ix_outbox_messages_status_next_attempt_at')

    op.drop_table('outbox_messages')
    with op.batch_alter_table('notification_preferences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_preferences_user_id'))

    op.drop_table('notification_preferences')
    op.drop_table('scheduler_runs')
    op.drop_table('bounced_addresses')
