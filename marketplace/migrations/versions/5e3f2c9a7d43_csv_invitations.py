"""CSV import: candidate invitations

Revision ID: 5e3f2c9a7d43
Revises: 4d2e1b8f6c32
Create Date: 2026-11-27 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e3f2c9a7d43'
down_revision = '4d2e1b8f6c32'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
