"""Keys for personal data: a keyed hash to find a CIN again, encryption to keep it unreadable.

Both keys derive from `HAYNA_SECRET_KEY`, each for its own purpose, so one never serves as the
other. The hash deduplicates signatures without storing the CIN in clear; the encrypted copy is
opened only to print the filing for the commune, and to compute a signature's hash again when
the way of computing it changes (`storage/signature_keys.py`). The key's fingerprint, kept in
the database, is derived the same way under its own label: it tells whether two keys are the
same, never either key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet

from conversations.cin import card

# How `Vault.key` reads a CIN, stored with each signature: 1 hashed the CIN as typed (so
# AB0123456 and AB123456 were two cards), 2 hashes the card it names.
KEY_VERSION = 2


def _derive(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


def fingerprint(secret: str) -> str:
    """What the database keeps of its key: equal for equal keys, and no key can be read from it."""
    return _derive(secret, "hayna/database-key/v1").hex()


class Vault:
    def __init__(self, secret: str) -> None:
        self._hash_key = _derive(secret, "hayna/cin-hash/v1")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, "hayna/cin-seal/v1")))
        self._address_key = _derive(secret, "hayna/flood-address/v1")

    def key(self, cin: str) -> str:
        """The keyed hash of a canonical CIN: equal for the same card (leading zeros of its
        number do not count), useless without the secret."""
        return hmac.new(self._hash_key, card(cin).encode(), hashlib.sha256).hexdigest()

    def address_key(self, channel: str, user_id: str) -> str:
        """The keyed hash of a chat address, for the shared flood buckets: the same in every
        process with the key, and no phone number can be read from it."""
        address = f"{channel}:{user_id}".encode()
        return hmac.new(self._address_key, address, hashlib.sha256).hexdigest()

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode()

    def open(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()
