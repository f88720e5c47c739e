"""What people read: the texts, cards and button callback data of each feature, rendered for
one reader (their language, their timezone), and the bus (`bot.notifications.bus`) that turns
the domain events services record into outbox rows for their readers. Services decide and say
what happened; these modules say it to each reader. Nothing here imports Telegram; the
renderers are plain Python over the services' values, and only the events' handlers
(`bot.notifications.concerns.outgoing`, `bot.notifications.help_notices`,
`bot.notifications.quiet`) query the database and write the outbox, through the services."""
