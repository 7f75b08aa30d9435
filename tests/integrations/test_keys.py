"""Key formats and keyed hashes (pure functions)."""

from apps.integrations import keys


def test_a_key_is_its_public_prefix_plus_256_random_bits():
    prefix = keys.key_prefix_new("live")
    plain = keys.key_new(prefix)
    assert prefix.startswith("chk_live_") and len(prefix) == 17
    assert keys.key_prefix_of(plain) == prefix
    assert len(plain) == len(prefix) + 1 + 43
    assert keys.key_new(prefix) != plain


def test_anything_else_has_no_prefix():
    assert keys.key_prefix_of("chk_live_ABCDEFGH") is None
    assert keys.key_prefix_of("sk_live_" + "a" * 43) is None
    assert keys.key_prefix_of("chk_live_ABCDEFG0_" + "a" * 43) is None  # 0 is not in the alphabet


def test_the_hash_depends_on_the_server_secret_and_old_secrets_still_match():
    plain = keys.key_new(keys.key_prefix_new("test"))
    stored = keys.key_hash(plain, "old-secret")
    assert stored != keys.key_hash(plain, "new-secret")
    assert keys.key_matches(plain, stored, ["new-secret", "old-secret"]) == 1
    assert keys.key_matches(plain, stored, ["new-secret"]) is None
    assert keys.key_matches(plain + "x", stored, ["old-secret"]) is None


def test_webhook_secrets_are_derived_per_salt_and_per_server_secret():
    one = keys.webhook_secret("salt-1", "server")
    assert one.startswith("whsec_")
    assert one == keys.webhook_secret("salt-1", "server")
    assert one != keys.webhook_secret("salt-2", "server")
    assert one != keys.webhook_secret("salt-1", "other server")
