"""Errors a service raises; handlers turn them into a message in the user's language."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of the errors a service raises on purpose."""


class NotFound(ServiceError):
    """No such record, or not one this person may see (the two look the same)."""


class NotAllowed(ServiceError):
    """This person may not do this to that record."""


class Invalid(ServiceError):
    """Bad input. `code` names the rule, for a translated message; `detail` is for operators."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code
        self.detail = detail or code
