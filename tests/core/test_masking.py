"""Personal data is shown masked: enough to recognise a value, never enough to use it."""

import pytest

from apps.core.masking import mask_identity_number, mask_ip, mask_phone


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("203.0.113.45", "203.0.113.*"),
        (" 10.0.0.1 ", "10.0.0.*"),
        ("2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8:85a3:0:*:*:*:*"),
        ("2001:db8::1", "2001:db8:0:0:*:*:*:*"),
        ("::1", "0:0:0:0:*:*:*:*"),
        ("::ffff:203.0.113.45", "203.0.113.*"),
        ("not an address", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_ip_keeps_only_the_network(value, masked):
    assert mask_ip(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13800138000", "138****8000"),
        ("138 0013 8000", "138****8000"),
        ("138-0013-8000", "138****8000"),
        ("+8613800138000", "+86 138****8000"),
        ("1234567", "*******"),
        ("12345678", "123*5678"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone_keeps_the_first_three_and_last_four_digits(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("110105199001011234", "110***********1234"),
        ("11010519900101123X", "110***********123X"),
        ("G12345678", "G12**5678"),
        ("1234567", "*******"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_identity_number_keeps_the_first_three_and_last_four(value, masked):
    assert mask_identity_number(value) == masked


@pytest.mark.parametrize("mask", [mask_phone, mask_identity_number])
def test_no_mask_ever_shows_a_whole_short_value(mask):
    for length in range(1, 8):
        value = "9" * length
        assert "9" not in mask(value)
