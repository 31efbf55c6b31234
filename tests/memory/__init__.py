"""One in-memory implementation of every seam of `conversations.seams`, imports only
`conversations`: flows run on it without a database, and the contract tests hold it to the
same checks as SQLite and PostgreSQL."""
