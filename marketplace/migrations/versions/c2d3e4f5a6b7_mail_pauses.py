"""mail pauses: sending stopped after a relay/policy refusal or a batch of refusals

Revision ID: c2d3e4f5a6b7
Revises: e6c9a4b1d357
Create Date: 2026-12-07 09:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c2d3e4f5a6b7'
down_revision = 'e6c9a4b1d357'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_pauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('code', sa.Integer(), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resumed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resumed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['resumed_by_id'], ['users.id'], name=op.f('fk_mail_pauses_resumed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_pauses'))
    )


def downgrade():
    op.drop_table('mail_pauses')
