"""A local Telegram Bot API emulator with simulated users, for tests, benchmarks and demos."""

from .core import CallRecord, Emulator
from .errors import ApiError
from .flood import FloodLimits
from .groups import SimulatedGroup
from .state import BotState
from .users import SimulatedUser
from .views import CallbackAnswer, FileView, MessageView, UserEvent

__all__ = [
    "ApiError",
    "BotState",
    "CallRecord",
    "CallbackAnswer",
    "Emulator",
    "FileView",
    "FloodLimits",
    "MessageView",
    "SimulatedGroup",
    "SimulatedUser",
    "UserEvent",
]
