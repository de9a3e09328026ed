"""Assistant usage accounting, the semantic cache and the AI profile.

Per-reply numbers live in ``conversation_messages.metrics`` and the AI profile in ``tenants.settings``, so the
only new column is each conversation's running usage totals. The FAQ answer cache is in-process.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 20:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("usage", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("usage")
