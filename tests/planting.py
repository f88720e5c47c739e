"""Moved to `mentorbot_testkit.planting`; kept so that existing tests import it as before."""

from mentorbot_testkit.planting import *  # noqa: F403
