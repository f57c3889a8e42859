"""contacts: saved contacts, identities, tags, history, reminders, merges, import jobs

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    """A timezone-aware timestamp column."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _owner() -> sa.Column:
    """The owning user, deleted with them."""
    return sa.Column("owner_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)


def _contact() -> sa.Column:
    """The contact a row belongs to, deleted with it."""
    return sa.Column("contact_id", sa.Uuid(), sa.ForeignKey("saved_contacts.id", ondelete="CASCADE"),
                     nullable=False)


def upgrade() -> None:
    """Create the contact book tables and their indexes."""
    op.create_table(
        "saved_contacts",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _owner(),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("emails", sa.JSON(), nullable=False),
        sa.Column("phones", sa.JSON(), nullable=False),
        sa.Column("addresses", sa.JSON(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("birthday", sa.String(20), nullable=False),
        sa.Column("uid", sa.String(200), nullable=False),
        sa.Column("photo_file_id", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("card_id", sa.Uuid(), nullable=True),
        sa.Column("event", sa.String(200), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=True),
        sa.Column("how_we_met", sa.String(500), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("strength", sa.Integer(), nullable=False),
        _ts("last_contacted_at", nullable=True),
        sa.Column("consents", sa.JSON(), nullable=False),
        sa.Column("sort_name", sa.String(200), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
    )
    for name, cols in (("owner_sort_name", ["owner_id", "sort_name"]), ("owner_created", ["owner_id", "created_at"]),
                       ("owner_last_contacted", ["owner_id", "last_contacted_at"]),
                       ("owner_stage", ["owner_id", "stage"]), ("owner_source", ["owner_id", "source"]),
                       ("owner_event", ["owner_id", "event"]), ("owner_uid", ["owner_id", "uid"])):
        op.create_index(f"ix_saved_contacts_{name}", "saved_contacts", cols)
    op.create_index("ix_saved_contacts_card_id", "saved_contacts", ["card_id"])

    op.create_table(
        "contact_identities",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _contact(),
        _owner(),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("value", sa.String(254), nullable=False),
    )
    op.create_index("ix_contact_identities_contact_id", "contact_identities", ["contact_id"])
    op.create_index("ix_contact_identities_owner_kind_value", "contact_identities", ["owner_id", "kind", "value"])

    op.create_table(
        "tags",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _owner(),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("color", sa.String(16), nullable=False),
        _ts("created_at"),
        sa.UniqueConstraint("owner_id", "name"),
    )
    op.create_index("ix_tags_owner_id", "tags", ["owner_id"])
    op.create_table(
        "contact_tags",
        sa.Column("contact_id", sa.Uuid(), sa.ForeignKey("saved_contacts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tag_id", sa.Uuid(), sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_contact_tags_tag_contact", "contact_tags", ["tag_id", "contact_id"])

    op.create_table(
        "communication_history",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _contact(),
        _owner(),
        sa.Column("channel", sa.String(24), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _ts("created_at"),
    )
    op.create_index("ix_communication_history_contact_created", "communication_history", ["contact_id", "created_at"])
    op.create_index("ix_communication_history_owner_id", "communication_history", ["owner_id"])

    op.create_table(
        "reminders",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _contact(),
        _owner(),
        _ts("due_at"),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _ts("notified_at", nullable=True),
        _ts("created_at"),
    )
    op.create_index("ix_reminders_due", "reminders", ["notified_at", "due_at"])
    op.create_index("ix_reminders_contact_status_due", "reminders", ["contact_id", "status", "due_at"])
    op.create_index("ix_reminders_owner_id", "reminders", ["owner_id"])

    op.create_table(
        "contact_merges",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _owner(),
        sa.Column("keep_id", sa.Uuid(), nullable=False),
        sa.Column("drop_id", sa.Uuid(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        _ts("created_at"),
        _ts("undone_at", nullable=True),
    )
    op.create_index("ix_contact_merges_owner_id", "contact_merges", ["owner_id"])

    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _owner(),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("error", sa.String(500), nullable=False),
        _ts("created_at"),
        _ts("finished_at", nullable=True),
    )
    op.create_index("ix_import_jobs_owner_id", "import_jobs", ["owner_id"])


def downgrade() -> None:
    """Drop the contact book tables."""
    for table in ("import_jobs", "contact_merges", "reminders", "communication_history", "contact_tags", "tags",
                  "contact_identities", "saved_contacts"):
        op.drop_table(table)
