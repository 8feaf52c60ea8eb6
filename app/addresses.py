"""E-mail addresses: one check for every door (forms, services, the kiosk API).

A pattern let `x:;@y.zz` through, and the mail library then raised on it at delivery
(issue 16, point 2). email-validator (a well-kept library, DESIGN.md "Libraries first") knows
RFC 5321/5322 and the reserved domains; it is asked about syntax only: a DNS look-up per form
would be slow, and would tell a resolver who applies."""

from email_validator import EmailNotValidError, validate_email

from app.errors import ValidationFailed

# The msgid shown beside the field (translated by the door, locales/*/core.po).
INVALID_ADDRESS = "Enter a valid e-mail address."


def is_valid_address(address: str) -> bool:
    """True when `address` is a plain, deliverable-looking mailbox (no display name, no
    quoted local part, at most 254 characters)."""
    if not address or len(address) > 254:
        return False
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def checked_address(address: str, field: str = "email") -> str:
    """`address` stripped, or ValidationFailed naming `field` (for services called from
    more than one door: the console, the CLI, the kiosk API)."""
    address = address.strip()
    if not is_valid_address(address):
        raise ValidationFailed({field: INVALID_ADDRESS})
    return address
