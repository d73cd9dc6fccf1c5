"""Replays: how often each upload was handed to a reader and when last (a lost hand-over is made again, a file
that kills its reader is not read for ever), and files whose bytes the retention let go.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("replay_uploads", sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False))
    op.add_column(
        "replay_uploads",
        sa.Column("queued_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    )
    op.create_index(
        "replay_uploads_pending", "replay_uploads", ["queued_at"], postgresql_where=sa.text("state = 'pending'")
    )
    op.alter_column("replay_files", "data", existing_type=sa.LargeBinary(), nullable=True)
    op.add_column("replay_files", sa.Column("forgotten_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM replay_uploads WHERE sha256 IN (SELECT sha256 FROM replay_files WHERE data IS NULL)")
    op.execute("DELETE FROM replay_files WHERE data IS NULL")
    op.drop_column("replay_files", "forgotten_at")
    op.alter_column("replay_files", "data", existing_type=sa.LargeBinary(), nullable=False)
    op.drop_index("replay_uploads_pending", table_name="replay_uploads")
    op.drop_column("replay_uploads", "queued_at")
    op.drop_column("replay_uploads", "attempts")
