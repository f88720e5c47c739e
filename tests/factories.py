"""Moved to `mentorbot_testkit.factories`; kept so that existing tests import it as before."""

from mentorbot_testkit.factories import *  # noqa: F403
