"""The candidate's consent choices in plain words, and the policy's letter for each (issue 21.2).

Candidates read what a choice allows ("Let HR read my CV and background"), never "purpose m":
the letters are the policy's bookkeeping, shown only to staff and in the export, where each
choice carries the policy's letter (m and n for the evaluation purposes, L for marketing; the
talent pool has no letter of its own, it is a longer retention of purposes m and n).

The words are English message ids; pages and mails translate them (locales/*/portal_experience.po).
The notice's own text for each purpose stays what is shown beneath the words and hashed into
the consent record (Art. 7(1))."""

PLAIN_WORDS = {
    "m": "Let HR read my CV and background",
    "n": "Let HR evaluate me in interviews",
    "talent_pool": "Keep my application for future positions",
    "marketing": "Send me news about products and services",
}

POLICY_LETTERS = {"m": "m", "n": "n", "marketing": "L", "talent_pool": None}


def policy_letter(purpose: str) -> str | None:
    """The letter of the privacy policy's list for this purpose, or None (the talent pool)."""
    return POLICY_LETTERS.get(purpose)
