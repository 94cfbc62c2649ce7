"""per-field visibility of candidate profiles (name, contact, career, self-introduction)

Revision ID: c4a8e2f6b1d9
Revises: e1f2a3b4c5d6
Create Date: 2026-12-07 09:20:00

Data: each profile's fields start from what its single profile-level choice showed until now, so that
nobody sees more than before:
- name: shown to verified organisations when the profile was "verified organisations", else coordinators
  only (a "public summary" profile never showed the name);
- contact details: nobody before an introduction (as before);
- career and self-introduction: the same audience as the profile ("public summary" -> public).
The keyword-search text is rebuilt from the fields every viewer of the profile may see (the name leaves
it wherever the name is now narrower than the profile).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a8e2f6b1d9'
down_revision = 'e1f2a3b4c5d6'
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
    _rebuild_search_text()


def _rebuild_search_text():
    from marketplace.matching.normalize import normalize_text

    listing_level = {'COORDINATORS': 'COORDINATORS', 'VERIFIED_ORGS': 'VERIFIED_ORGS', 'PUBLIC_SUMMARY': 'PUBLIC'}
    conn = op.get_bind()
    careers = {}
    for profile_id, role, description in conn.execute(sa.text(
            'SELECT profile_id, role, description FROM career_entries ORDER BY profile_id, position')):
        careers.setdefault(profile_id, []).append((role or '', description or ''))
    rows = conn.execute(sa.text(
        'SELECT p.id, p.visibility, p.name_visibility, p.career_visibility, p.intro_visibility, u.display_name, '
        'p.self_intro, p.skills, p.other_qualifications FROM candidate_profiles p JOIN users u ON u.id = p.user_id'
    )).all()
    profiles = sa.table('candidate_profiles', sa.column('id', sa.Integer), sa.column('search_text', sa.Text))
    for pid, listing, name_level, career_level, intro_level, name, intro, skills, other in rows:
        if isinstance(skills, str):  # JSON read back as text on some drivers
            import json
            skills = json.loads(skills or '[]')
        wide = listing_level.get(listing)
        entries = careers.get(pid, []) if career_level == wide else []
        pieces = [name if name_level == wide else '', intro if intro_level == wide else '', *(skills or []),
                  other or '', *(r for r, _d in entries), *(d for _r, d in entries)]
        conn.execute(profiles.update().where(profiles.c.id == pid).values(
            search_text=normalize_text(' '.join(str(p) for p in pieces if p is not None))))


def downgrade():
    with op.batch_alter_table('candidate_profiles', schema=None) as batch_op:
        for name, _default in reversed(COLUMNS):
            batch_op.drop_column(name)
