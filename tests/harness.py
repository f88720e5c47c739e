"""Moved to `mentorbot_testkit.harness`; kept so that existing tests import it as before."""

from mentorbot_testkit.harness import *  # noqa: F403
