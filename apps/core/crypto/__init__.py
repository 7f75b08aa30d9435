"""Personal data at rest: fields encrypted with a rotatable keyring, keyed hashes for lookups.

- `keyring`: authenticated encryption (Fernet: AES-128-CBC + HMAC-SHA256) under the keys in
  `CHEHUI_FIELD_KEYS`; the first key encrypts, every key decrypts, each ciphertext names its key.
- `hashing`: HMAC-SHA256 under `CHEHUI_HASH_KEY` of a normalised value, for equality lookups
  (a phone number, its last four digits, an IP address) without the plaintext.
- `fields`: `EncryptedTextField` and `KeyedHashField`, the model fields built on them.
- `rotation`: re-encrypt every encrypted column under the first key, recompute every hash.
See docs/privacy-encryption.md.
"""
