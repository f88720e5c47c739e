"""What people read: the texts, cards and button callback data of each feature, rendered for
one reader (their language, their timezone). Services decide; these modules say it. Plain
Python over the services' values: nothing here imports Telegram, queries the database or
writes the outbox."""
