"""cards: business cards and their sections, versions, templates, slug history, analytics events

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-26 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0003'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A copy, not an import: a migration must keep meaning what it meant when written.
TEMPLATES = [
    {"key": "classic", "label": "Classic", "description": "Cover banner, round photo, centred and calm.",
     "default_color": "#4f46e5", "default_font": "inter", "position": 0, "is_active": True},
    {"key": "modern", "label": "Modern",
     "description": "Colour header, side panel with contact details on wide screens.",
     "default_color": "#0ea5e9", "default_font": "inter", "position": 1, "is_active": True},
    {"key": "bold", "label": "Bold", "description": "Dark canvas, big type and bright accents.",
     "default_color": "#db2777", "default_font": "rounded", "position": 2, "is_active": True},
    {"key": "minimal", "label": "Minimal", "description": "White space, fine rules, editorial serif.",
     "default_color": "#111827", "default_font": "serif", "position": 3, "is_active": True},
]


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('card_templates',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('default_color', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('default_font', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('business_cards',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('owner_id', sa.Uuid(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('headline', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('bio', sa.Text(), nullable=False),
    sa.Column('avatar_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('cover_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('avatar_file_id', sa.Uuid(), nullable=True),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('template_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('theme_color', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('theme_font', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('visibility', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('published_version_id', sa.Uuid(), nullable=True),
    sa.Column('published_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('business_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_cards_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_business_cards_slug'), ['slug'], unique=True)

    op.create_table('analytics_events',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('card_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('referrer', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('agent', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['business_cards.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('analytics_events', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_events_card_kind_created', ['card_id', 'kind', 'created_at'], unique=False)

    op.create_table('business_services',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('card_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('price_range', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['business_cards.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('business_services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_services_card_id'), ['card_id'], unique=False)

    op.create_table('businesses',
    sa.Column('card_id', sa.Uuid(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('logo_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('industry', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('website', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['business_cards.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('card_id')
    )
    op.create_table('card_versions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('card_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('avatar_file_id', sa.Uuid(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['card_id'], ['business_cards.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('card_id', 'number')
    )
    with op.batch_alter_table('card_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_versions_card_id'), ['card_id'], unique=False)

    op.create_table('contact_information',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('card_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('preferred', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['business_cards.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contact_information', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_information_card_id'), ['card_id'], unique=False)

    op.create_table('networking_preferences',
    sa.Column('card_id', sa.Uuid(), nullable=False),
    sa.Column('offer', sa.Text(), nullable=False),
    sa.Column('looking_for', sa.Text(), nullable=False),
    sa.Column('industries', sa.JSON(), nullable=False),
    sa.Column('open_to', sa.JSON(), nullable=False),
    sa.Column('meeting_format', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['business_cards.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('card_id')
    )
    op.create_table('personal_interests',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('card_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['business_cards.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('personal_interests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_interests_card_id'), ['card_id'], unique=False)

    op.create_table('slug_history',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('card_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['business_cards.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('slug_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slug_history_card_id'), ['card_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_slug_history_slug'), ['slug'], unique=True)

    op.create_table('social_links',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('card_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['business_cards.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('social_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_social_links_card_id'), ['card_id'], unique=False)

    op.create_table('works_and_services',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('card_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('image_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['business_cards.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('works_and_services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_works_and_services_card_id'), ['card_id'], unique=False)

    templates = sa.table(
        "card_templates", sa.column("key", sa.String), sa.column("label", sa.String),
        sa.column("description", sa.String), sa.column("default_color", sa.String),
        sa.column("default_font", sa.String), sa.column("position", sa.Integer), sa.column("is_active", sa.Boolean),
    )
    op.bulk_insert(templates, TEMPLATES)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('works_and_services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_works_and_services_card_id'))

    op.drop_table('works_and_services')
    with op.batch_alter_table('social_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_social_links_card_id'))

    op.drop_table('social_links')
    with op.batch_alter_table('slug_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slug_history_slug'))
        batch_op.drop_index(batch_op.f('ix_slug_history_card_id'))

    op.drop_table('slug_history')
    with op.batch_alter_table('personal_interests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_interests_card_id'))

    op.drop_table('personal_interests')
    op.drop_table('networking_preferences')
    with op.batch_alter_table('contact_information', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_information_card_id'))

    op.drop_table('contact_information')
    with op.batch_alter_table('card_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_versions_card_id'))

    op.drop_table('card_versions')
    op.drop_table('businesses')
    with op.batch_alter_table('business_services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_services_card_id'))

    op.drop_table('business_services')
    with op.batch_alter_table('analytics_events', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_events_card_kind_created')

    op.drop_table('analytics_events')
    with op.batch_alter_table('business_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_cards_slug'))
        batch_op.drop_index(batch_op.f('ix_business_cards_owner_id'))

    op.drop_table('business_cards')
    op.drop_table('card_templates')
