"""Test settings: fast password hashing; the database still comes from DATABASE_URL."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Throttling off by default so tests can log in freely; the axes test turns it on (X1).
AXES_ENABLED = False
AUDIT_CHAIN_KEY = "test-chain-key"
# One test database per test, one witness file per test: the witness tests set their own.
AUDIT_WITNESS_PATH = ""
