"""The test run's one vault, as one HAYNA_SECRET_KEY is for a deployment."""

from __future__ import annotations

from storage.vault import Vault

VAULT_KEY = "test-secret-key-that-is-long-enough-for-hayna"
VAULT = Vault(VAULT_KEY)
