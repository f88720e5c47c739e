"""What each reader is shown, per feature: the texts, the cards and their buttons' callback
data, rendered in the reader's language. Plain Python over the services' values: nothing here
imports Telegram, queries the database or writes the outbox."""
