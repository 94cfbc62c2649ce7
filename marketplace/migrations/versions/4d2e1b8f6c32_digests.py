"""digests: preferences, outbox, saved-search deliveries

Revision ID: 4d2e1b8f6c32
Revises: 3c1f0a7e5b21
Create Date: 2026-11-27 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d2e1b8f6c32'
down_revision = '3c1f0a7e5b21'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
