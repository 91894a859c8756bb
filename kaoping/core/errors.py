"""The one error type services raise when a request cannot be carried out."""


class DomainError(Exception):
    """A rule refused the request; `message` is shown to the user as it is (already translated)."""

    def __init__(self, message: str, *, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or []
