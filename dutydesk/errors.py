"""The error an operation raises when a request cannot be carried out as asked."""


class DomainError(Exception):
    """A refusal a person can act on: the message says what to do, `field` where to look."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
