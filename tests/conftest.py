"""Test-wide environment: a fake AWS account for moto and the `test` stage (dev tokens on)."""
import os

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("GC_STAGE", "test")
for _var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
    os.environ.pop(_var, None)

from scripts import moto_patches  # noqa: E402  (moto's transactions, made linear; see the module)

moto_patches.apply()
