"""What the boto3 scripts of the integration tests share: a path-style client
of the gateway from S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY (no retries,
so a test sees the gateway's first answer), and named steps whose outcome
(ok, or the S3 status and code, or the exception) is collected for the test
to read as JSON."""
import os

import boto3
import botocore
from botocore.config import Config


def client():
    return boto3.client(
        "s3",
        endpoint_url=os.environ["S3_ENDPOINT"],
        aws_access_key_id=os.environ["S3_ACCESS_KEY"],
        aws_secret_access_key=os.environ["S3_SECRET_KEY"],
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


steps = {}


def error_of(e):
    meta = e.response.get("ResponseMetadata", {})
    return {"status": meta.get("HTTPStatusCode"), "code": e.response.get("Error", {}).get("Code")}


def error_with_message(e):
    return {**error_of(e), "message": e.response.get("Error", {}).get("Message")}


def step(name, fn, describe=error_of):
    """Runs fn, keeping its outcome under `name`; `describe` turns an S3 error into what the test reads."""
    try:
        steps[name] = {"ok": True, **(fn() or {})}
    except botocore.exceptions.ClientError as e:
        steps[name] = {"ok": False, "error": describe(e)}
    except Exception as e:  # noqa: BLE001 - report everything
        steps[name] = {"ok": False, "error": {"type": type(e).__name__, "message": str(e)}}
