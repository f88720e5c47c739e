"""What people read: the texts, cards and button callback data of each feature, rendered for
one reader (their language, their timezone). Services decide; these modules say it."""
