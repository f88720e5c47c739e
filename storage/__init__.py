"""Models, queries and migrations. Never commits on its own: the caller owns the transaction."""
