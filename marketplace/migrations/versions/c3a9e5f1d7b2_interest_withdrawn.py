"""matches: when a side withdrew its interest

Revision ID: c3a9e5f1d7b2
Revises: c2d3e4f5a6b7
Create Date: 2026-12-07 09:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3a9e5f1d7b2'
down_revision = 'c2d3e4f5a6b7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seeker_interest_withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('poster_interest_withdrawn_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.drop_column('poster_interest_withdrawn_at')
        batch_op.drop_column('seeker_interest_withdrawn_at')
