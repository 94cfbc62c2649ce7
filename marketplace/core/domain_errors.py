"""Domain exceptions raised by services and mapped to 4xx responses by views."""
from __future__ import annotations


class DomainError(Exception):
    """Base class: a request the domain refuses, with a user-facing message."""

    status_code = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class PermissionDenied(DomainError):
    """The actor may not do this."""

    status_code = 403


class NotFound(DomainError):
    """The object does not exist (or the actor may not know that it does)."""

    status_code = 404


class Conflict(DomainError):
    """The request clashes with existing data (e.g. an email already registered)."""

    status_code = 409


class InvalidTransition(DomainError):
    """A state change that the workflow does not allow."""

    status_code = 409
