"""security: TOTP second factor

Revision ID: 7a5b4e1c9f65
Revises: 6f4a3d0b8e54
Create Date: 2026-11-27 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a5b4e1c9f65'
down_revision = '6f4a3d0b8e54'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
