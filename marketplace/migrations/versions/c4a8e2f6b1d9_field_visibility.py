"""per-field visibility of candidate profiles (name, contact, career, self-introduction)

Revision ID: c4a8e2f6b1d9
Revises: b1e4c7d9a2f3
Create Date: 2026-12-07 09:20:00

Data: each profile's fields start from what its single profile-level choice showed until now, so that
nobody sees more than before:
- name: shown to verified organisations when the profile was "verified organisations", else coordinators
  only (a "public summary" profile never showed the name);
- contact details: nobody before an introduction (as before);
- career and self-introduction: the same audience as the profile ("public summary" -> public).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a8e2f6b1d9'
down_revision = 'b1e4c7d9a2f3'
branch_labels = None
depends_on = None

LEVELS = ('INTRODUCED', 'COORDINATORS', 'VERIFIED_ORGS', 'PUBLIC')
COLUMNS = (('name_visibility', 'COORDINATORS'), ('contact_visibility', 'INTRODUCED'),
           ('career_visibility', 'VERIFIED_ORGS'), ('intro_visibility', 'VERIFIED_ORGS'))


def upgrade():
    with op.batch_alter_table('candidate_profiles', schema=None) as batch_op:
        for name, default in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Enum(*LEVELS, name='fieldvisibility', native_enum=False, length=16),
                                          server_default=default, nullable=False))
    profiles = sa.table('candidate_profiles', sa.column('visibility', sa.String),
                        *(sa.column(name, sa.String) for name, _default in COLUMNS))
    op.execute(profiles.update().values(name_visibility=sa.case(
        (profiles.c.visibility == 'VERIFIED_ORGS', 'VERIFIED_ORGS'), else_='COORDINATORS')))
    op.execute(profiles.update().values(contact_visibility='INTRODUCED'))
    same = sa.case((profiles.c.visibility == 'VERIFIED_ORGS', 'VERIFIED_ORGS'),
                   (profiles.c.visibility == 'PUBLIC_SUMMARY', 'PUBLIC'), else_='COORDINATORS')
    op.execute(profiles.update().values(career_visibility=same, intro_visibility=same))


def downgrade():
    with op.batch_alter_table('candidate_profiles', schema=None) as batch_op:
        for name, _default in reversed(COLUMNS):
            batch_op.drop_column(name)
