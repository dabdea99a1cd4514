"""Encryption at rest for clinical free text.

Fernet (AES-128-CBC with HMAC-SHA256, from the ``cryptography`` package) gives
authenticated encryption; ``MultiFernet`` gives a key ring: the first key encrypts,
every key decrypts, so a new key can be put in front and old rows re-encrypted with
``flask --app tracker rotate-data-key``.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class DataKeyError(RuntimeError):
    """The data-encryption key ring is missing, malformed or unsafe."""


def parse_key_ring(text: str) -> list[bytes]:
    """Split a comma- or newline-separated key list, ignoring blanks and # comments."""
    keys: list[bytes] = []
    for line in text.splitlines():
        if line.strip().startswith("#"):
            continue
        keys.extend(item.strip().encode("ascii") for item in line.split(",") if item.strip())
    return keys


def load_or_create_key_file(path: Path) -> list[bytes]:
    """Read the key ring from ``path``; create it with one fresh key when absent."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        content = (
            "# Data-encryption keys, newest first. Never commit this file.\n"
            + Fernet.generate_key().decode("ascii")
            + "\n"
        )
        # Write a complete file under a temporary name, then link it into place:
        # several workers starting at once agree on the first one that lands.
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(content)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return parse_key_ring(path.read_text())


class FieldCipher:
    """Encrypts and decrypts column values with the app's key ring."""

    def __init__(self) -> None:
        self._fernet: MultiFernet | None = None

    def configure(self, keys: list[bytes], secret_key: str | None) -> None:
        """Install the key ring; refuse an empty ring or a key equal to SECRET_KEY."""
        if not keys:
            raise DataKeyError("no data-encryption key configured")
        if secret_key and any(key.decode("ascii") == secret_key for key in keys):
            raise DataKeyError("a data-encryption key must never equal SECRET_KEY")
        try:
            self._fernet = MultiFernet([Fernet(key) for key in keys])
        except ValueError as exc:
            raise DataKeyError("a data-encryption key is not a valid Fernet key") from exc

    @property
    def ready(self) -> bool:
        return self._fernet is not None

    def _ring(self) -> MultiFernet:
        if self._fernet is None:
            raise DataKeyError("data-encryption keys are not configured")
        return self._fernet

    def encrypt(self, plaintext: str) -> str:
        return self._ring().encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._ring().decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            # Never include the value: it is ciphertext of clinical text.
            raise DataKeyError("stored value cannot be decrypted with the key ring") from exc

    def encrypt_bytes(self, data: bytes) -> bytes:
        """For files kept on disk (cached PDFs)."""
        return self._ring().encrypt(data)

    def decrypt_bytes(self, token: bytes) -> bytes:
        try:
            return self._ring().decrypt(token)
        except InvalidToken as exc:
            raise DataKeyError("stored file cannot be decrypted with the key ring") from exc

    def rotate(self, token: str) -> str:
        """Re-encrypt ``token`` under the newest key."""
        return self._ring().rotate(token.encode("ascii")).decode("ascii")


# The one cipher of the app, configured with the key ring by ``create_app``; the
# EncryptedText column type and the report caches use it.
field_cipher = FieldCipher()
