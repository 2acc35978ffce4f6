"""The materials bucket on S3: signed uploads and downloads, and what an upload stored.

An upload is an S3 presigned POST whose policy makes S3 refuse any other size or content type,
and tags the object `state=pending`: the bucket's lifecycle expires pending objects, so an upload
no application ever names does not stay. Submitting an application retags its materials `kept`.
Signing is local (no call to AWS).
"""
from __future__ import annotations

import hashlib
from urllib.parse import quote

from ..resources import MATERIAL_PENDING as PENDING, MATERIAL_STATE_TAG as STATE_TAG

KEPT = "kept"
CHUNK = 1024 * 1024


def tagging_xml(state: str) -> str:
    """A POST's `tagging` field (S3 takes the tag set as XML there)."""
    return f"<Tagging><TagSet><Tag><Key>{STATE_TAG}</Key><Value>{state}</Value></Tag></TagSet></Tagging>"


class S3Files:
    def __init__(self, client, bucket: str):
        self._s3 = client
        self._bucket = bucket

    @property
    def client(self):
        """The S3 client (the bench meters its calls)."""
        return self._s3

    def presign_upload(self, key: str, content_type: str, size: int, expires_in: int) -> dict:
        tagging = tagging_xml(PENDING)
        post = self._s3.generate_presigned_post(
            self._bucket, key, Fields={"Content-Type": content_type, "tagging": tagging},
            Conditions=[["content-length-range", size, size], {"Content-Type": content_type},
                        {"tagging": tagging}],
            ExpiresIn=expires_in)
        return {"url": post["url"], "fields": post["fields"]}

    def presign_download(self, key: str, filename: str, content_type: str, expires_in: int) -> str:
        return self._s3.generate_presigned_url("get_object", ExpiresIn=expires_in, Params={
            "Bucket": self._bucket, "Key": key, "ResponseContentType": content_type,
            "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(filename, safe='')}"})

    def digest(self, key: str) -> tuple[int, str] | None:
        try:
            body = self._s3.get_object(Bucket=self._bucket, Key=key)["Body"]
        except self._s3.exceptions.NoSuchKey:
            return None
        sha, size = hashlib.sha256(), 0
        for chunk in iter(lambda: body.read(CHUNK), b""):
            sha.update(chunk)
            size += len(chunk)
        return size, sha.hexdigest()

    def keep(self, key: str) -> bool:
        try:
            self._s3.put_object_tagging(Bucket=self._bucket, Key=key,
                                        Tagging={"TagSet": [{"Key": STATE_TAG, "Value": KEPT}]})
        except self._s3.exceptions.NoSuchKey:
            return False
        except self._s3.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return False
            raise
        return True
