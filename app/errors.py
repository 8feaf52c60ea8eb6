"""Domain exceptions, in one place. Doors translate them to pages and status codes."""


class IntakeError(Exception):
    """Base of every expected failure; `message` is a msgid translated by the door."""

    status_code = 400

    def __init__(self, message: str = "", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(IntakeError):
    status_code = 404


class Forbidden(IntakeError):
    status_code = 403


class Conflict(IntakeError):
    status_code = 409


class TooManyAttempts(IntakeError):
    status_code = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many attempts. Please wait a little and try again.")
        self.retry_after = retry_after


class MailCapped(TooManyAttempts):
    """Too many mails (or requests) for one recipient, client or kiosk in a window (issue 16).
    `detail` is the sentence shown, with the time to wait in minutes, or hours beyond 90
    minutes (app.web.render translates both by their pattern)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        if retry_after > 90 * 60:
            wait = f"{(retry_after + 3599) // 3600} hours"
        else:
            wait = f"{max(1, (retry_after + 59) // 60)} minutes"
        self.detail = f"This was sent too often for now. Please try again in {wait}."


class ValidationFailed(IntakeError):
    """Bad input: `errors` maps a field name to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Please correct the marked fields.")
        self.errors = errors
