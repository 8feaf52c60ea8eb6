"""Short codes: every character from the readable alphabet, each as likely as any other (a
code that favoured some characters would be easier to guess than its length says)."""

from collections import Counter

from app.visits.codes import ALPHABET, INVITATION_LENGTH, SIGNOUT_LENGTH, new_code


def test_codes_have_their_length_and_only_readable_characters():
    for length in (SIGNOUT_LENGTH, INVITATION_LENGTH, 1, 40):
        code = new_code(length)
        assert len(code) == length and set(code) <= set(ALPHABET)


def test_every_character_is_equally_likely():
    counts = Counter("".join(new_code(SIGNOUT_LENGTH) for _ in range(31_000)))
    expected = 6 * 31_000 / len(ALPHABET)  # 6,000 each
    assert set(counts) == set(ALPHABET)
    # Chi-square with 30 degrees of freedom: above 70 happens by chance once in ~30,000 runs;
    # a slight bias (b % 32, or keeping bytes up to 255) lands in the hundreds.
    chi_square = sum((n - expected) ** 2 / expected for n in counts.values())
    assert chi_square < 70, counts
