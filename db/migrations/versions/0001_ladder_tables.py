"""The ladder's tables: players, ratings, queue entries, waves, matches, the outbox and deliveries.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 05:13:34.455459
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('outbox',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('player_ids', postgresql.ARRAY(sa.BigInteger()), nullable=False),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stream_id', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('outbox_unpublished', 'outbox', ['id'], unique=False, postgresql_where=sa.text('published_at IS NULL'))
    op.create_table('players',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=True),
    sa.Column('region', sa.String(length=16), nullable=True),
    sa.Column('banned', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('ban_reason', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('waves',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('matched_pairs', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('pairing_ms', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('deliveries',
    sa.Column('event_id', sa.BigInteger(), nullable=False),
    sa.Column('player_id', sa.BigInteger(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('path', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['outbox.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'player_id')
    )
    op.create_table('matches',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('wave_id', sa.BigInteger(), nullable=True),
    sa.Column('player1_id', sa.BigInteger(), nullable=False),
    sa.Column('player2_id', sa.BigInteger(), nullable=False),
    sa.Column('player1_race', sa.String(length=32), nullable=False),
    sa.Column('player2_race', sa.String(length=32), nullable=False),
    sa.Column('player1_rating', sa.Float(), nullable=False),
    sa.Column('player2_rating', sa.Float(), nullable=False),
    sa.Column('map', sa.String(length=64), nullable=True),
    sa.Column('server', sa.String(length=80), nullable=False),
    sa.Column('state', sa.String(length=24), server_default=sa.text("'awaiting_confirmation'"), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("state IN ('awaiting_confirmation', 'confirmed', 'aborted', 'completed', 'disputed', 'invalidated')", name='matches_state_known'),
    sa.CheckConstraint('player1_id <> player2_id', name='matches_two_players'),
    sa.ForeignKeyConstraint(['player1_id'], ['players.id'], ),
    sa.ForeignKeyConstraint(['player2_id'], ['players.id'], ),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('matches_player1_recent', 'matches', ['player1_id', 'id'], unique=False)
    op.create_index('matches_player1_unfinished', 'matches', ['player1_id'], unique=False, postgresql_where=sa.text("state IN ('awaiting_confirmation', 'confirmed', 'disputed')"))
    op.create_index('matches_player2_recent', 'matches', ['player2_id', 'id'], unique=False)
    op.create_index('matches_player2_unfinished', 'matches', ['player2_id'], unique=False, postgresql_where=sa.text("state IN ('awaiting_confirmation', 'confirmed', 'disputed')"))
    op.create_table('queue_choices',
    sa.Column('player_id', sa.BigInteger(), nullable=False),
    sa.Column('races', postgresql.ARRAY(sa.String(length=32)), nullable=False),
    sa.Column('vetoes', postgresql.ARRAY(sa.String(length=64)), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['player_id'], ['players.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('player_id')
    )
    op.create_table('ratings',
    sa.Column('player_id', sa.BigInteger(), nullable=False),
    sa.Column('race', sa.String(length=32), nullable=False),
    sa.Column('rating', sa.Float(), nullable=False),
    sa.Column('games', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('wins', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('losses', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('draws', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('games = wins + losses + draws', name='ratings_games_add_up'),
    sa.ForeignKeyConstraint(['player_id'], ['players.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('player_id', 'race')
    )
    op.create_table('queue_entries',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('player_id', sa.BigInteger(), nullable=False),
    sa.Column('races', postgresql.ARRAY(sa.String(length=32)), nullable=False),
    sa.Column('vetoes', postgresql.ARRAY(sa.String(length=64)), nullable=False),
    sa.Column('state', sa.String(length=16), server_default=sa.text("'waiting'"), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('waves_waited', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('match_id', sa.BigInteger(), nullable=True),
    sa.Column('message_ref', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.CheckConstraint("(state = 'matched') = (match_id IS NOT NULL)", name='queue_entries_matched_has_match'),
    sa.CheckConstraint("state IN ('waiting', 'matched', 'cancelled', 'expired')", name='queue_entries_state_known'),
    sa.ForeignKeyConstraint(['match_id'], ['matches.id'], ),
    sa.ForeignKeyConstraint(['player_id'], ['players.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('queue_entries_one_waiting_per_player', 'queue_entries', ['player_id'], unique=True, postgresql_where=sa.text("state = 'waiting'"))
    op.create_index('queue_entries_player_recent', 'queue_entries', ['player_id', 'id'], unique=False)
    op.create_index('queue_entries_waiting', 'queue_entries', ['id'], unique=False, postgresql_where=sa.text("state = 'waiting'"))


def downgrade() -> None:
    op.drop_index('queue_entries_waiting', table_name='queue_entries', postgresql_where=sa.text("state = 'waiting'"))
    op.drop_index('queue_entries_player_recent', table_name='queue_entries')
    op.drop_index('queue_entries_one_waiting_per_player', table_name='queue_entries', postgresql_where=sa.text("state = 'waiting'"))
    op.drop_table('queue_entries')
    op.drop_table('ratings')
    op.drop_table('queue_choices')
    op.drop_index('matches_player2_unfinished', table_name='matches', postgresql_where=sa.text("state IN ('awaiting_confirmation', 'confirmed', 'disputed')"))
    op.drop_index('matches_player2_recent', table_name='matches')
    op.drop_index('matches_player1_unfinished', table_name='matches', postgresql_where=sa.text("state IN ('awaiting_confirmation', 'confirmed', 'disputed')"))
    op.drop_index('matches_player1_recent', table_name='matches')
    op.drop_table('matches')
    op.drop_table('deliveries')
    op.drop_table('waves')
    op.drop_table('players')
    op.drop_index('outbox_unpublished', table_name='outbox', postgresql_where=sa.text('published_at IS NULL'))
    op.drop_table('outbox')
