"""Storage: SQLAlchemy models and migrations, the conversation store, the delivery outbox and
the commune gazetteer, on SQLite or PostgreSQL."""
