"""Pay transparency (EU Directive 2023/970, Art. 5(1)): a position states the pay range it
offers before any interview, in the posting, its JSON-LD and the feeds. The apply form never
asks for pay history (Art. 5(2)); tests/portal/test_pay.py guards that.

Amounts are whole units of an ISO 4217 currency per hour, month or year."""

import re
from typing import Any

import msgspec
from babel.numbers import format_decimal, list_currencies

from app.errors import ValidationFailed

UNITS = ("HOUR", "MONTH", "YEAR")  # schema.org unitText values
# Msgids shown after the amount ("45.000-55.000 DKK om måneden", with an en dash).
UNIT_TEXTS = {"HOUR": "per hour", "MONTH": "per month", "YEAR": "per year"}
MAX_AMOUNT = 100_000_000
# "45000", "45.000", "45 000", "45,000": whole amounts with thousands separators, as people
# type them in Danish and English alike. Decimals are refused, not guessed.
_AMOUNT = re.compile(r"^\d{1,3}(?:[ .,'\u00a0]\d{3})+$|^\d+$")
_CURRENCIES = frozenset(list_currencies())


class SalaryRange(msgspec.Struct, frozen=True):
    minimum: int | None = None
    maximum: int | None = None
    currency: str = ""
    unit: str = "MONTH"

    @property
    def given(self) -> bool:
        return self.minimum is not None


NO_RANGE = SalaryRange()


def _amount(text: str, field: str, errors: dict[str, str]) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not _AMOUNT.match(text):
        errors[field] = "Enter a whole amount, such as 45000."
        return None
    value = int(re.sub(r"\D", "", text))
    if value > MAX_AMOUNT:
        errors[field] = "Enter a whole amount, such as 45000."
        return None
    return value


def parse_range(minimum: str, maximum: str, currency: str, unit: str) -> SalaryRange:
    """The range from a form: both ends or neither; the lower end first; a known currency."""
    errors: dict[str, str] = {}
    low = _amount(minimum, "salary_min", errors)
    high = _amount(maximum, "salary_max", errors)
    currency = currency.strip().upper()
    if unit not in UNITS:
        errors["salary_unit"] = "Choose one of the options."
    if not errors:
        if (low is None) != (high is None):
            missing = "salary_max" if high is None else "salary_min"
            errors[missing] = "Give both ends of the range, or neither."
        elif low is not None and high is not None and low > high:
            errors["salary_max"] = "The highest amount cannot be below the lowest."
        elif low is not None and currency not in _CURRENCIES:
            errors["salary_currency"] = "Enter a currency code, such as DKK or EUR."
    if errors:
        raise ValidationFailed(errors)
    if low is None:
        return SalaryRange(currency=currency if currency in _CURRENCIES else "", unit=unit)
    return SalaryRange(low, high, currency, unit)


def of_position(position: dict[str, Any]) -> SalaryRange:
    if position.get("salary_min") is None or position.get("salary_max") is None:
        return NO_RANGE
    return SalaryRange(
        position["salary_min"],
        position["salary_max"],
        position.get("salary_currency") or "",
        position.get("salary_unit") or "MONTH",
    )


def amounts_text(salary: SalaryRange, language: str) -> str:
    """Danish "45.000-55.000 DKK", English "45,000-55,000 DKK" (Babel's forms; an en dash)."""
    if salary.minimum is None or salary.maximum is None:
        return ""
    low = format_decimal(salary.minimum, locale=language)
    if salary.minimum == salary.maximum:
        return f"{low} {salary.currency}"
    high = format_decimal(salary.maximum, locale=language)
    return f"{low}\u2013{high} {salary.currency}"


def salary_text(salary: SalaryRange, language: str, gettext: Any) -> str:
    """The whole line for people: amounts, currency and period, in their language."""
    if not salary.given:
        return ""
    return f"{amounts_text(salary, language)} {gettext(UNIT_TEXTS[salary.unit])}"
