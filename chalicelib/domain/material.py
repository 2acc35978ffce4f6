"""A material an enterprise uploads (licence, certificate, contract screenshot) and its states.

The platform never receives the file: it signs an upload that S3 itself holds to the declared
size and content type, then counts the material only once the stored object's size and SHA-256
are the ones declared (`settled`). Pure Python: the object's digest is handed in.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace

AWAITING_UPLOAD, UPLOADED, REJECTED = "awaiting_upload", "uploaded", "rejected"
CONTENT_TYPES = ("application/pdf", "image/jpeg", "image/png")
MAX_BYTES = 10 * 1024 * 1024       # 10 MiB (DESIGN: API contract v2)
UPLOAD_SECONDS = 15 * 60           # how long a signed upload may be used
DOWNLOAD_SECONDS = 5 * 60          # how long a signed download link works
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Material:
    id: str
    owner: str            # the enterprise's USCC
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str           # lower-case hex, as declared
    status: str
    created_at: str
    key: str              # where the object lives in the materials bucket
    settled_at: str | None = None

    @property
    def usable(self) -> bool:
        return self.status == UPLOADED

    def settled(self, stored: tuple[int, str] | None, at: str) -> "Material":
        """The material once the stored object (size, SHA-256) is known: uploaded if it is what was
        declared, rejected if not; unchanged while nothing is stored or once settled."""
        if self.status != AWAITING_UPLOAD or stored is None:
            return self
        size, digest = stored
        ok = size == self.size and digest == self.sha256
        return replace(self, status=UPLOADED if ok else REJECTED, settled_at=at)

    def to_record(self) -> dict:
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict) -> "Material":
        return cls(**{k: record[k] for k in cls.__dataclass_fields__ if k in record})
