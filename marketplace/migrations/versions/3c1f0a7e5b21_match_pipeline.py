"""match pipeline: events, consent, messages, trial, follow-ups

Revision ID: 3c1f0a7e5b21
Revises: 2ba9255d6940
Create Date: 2026-11-27 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c1f0a7e5b21'
down_revision = '2ba9255d6940'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
