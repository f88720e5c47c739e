"""Domain values: enums and small value types shared by storage, services and handlers.

The bottom layer: imports nothing from `storage`, `bot`, `handlers`, SQLAlchemy or Telegram
(checked by the import contracts in pyproject.toml). `from domain import Role` gives every name
of `domain.enums` and `domain.values`.
"""

from domain import enums, values
from domain.enums import *  # noqa: F403
from domain.values import *  # noqa: F403

__all__ = [*enums.__all__, *values.__all__]
