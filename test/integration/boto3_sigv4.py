"""boto3 with its default configuration (SigV4, CRC32 request checksums,
response checksum validation) against the gateway. Prints one JSON report;
each step records ok or the client's error, the test checks them."""
import json
import os
import sys

import boto3
import botocore
from botocore.config import Config

endpoint = os.environ["S3_ENDPOINT"]
bucket = os.environ["S3_BUCKET"]
s3 = boto3.client(
    "s3",
    endpoint_url=endpoint,
    aws_access_key_id=os.environ["S3_ACCESS_KEY"],
    aws_secret_access_key=os.environ["S3_SECRET_KEY"],
    region_name="us-east-1",
    config=Config(s3={"addressing_style": "path"}),
)
steps = {}
sent = {}


def record_request(request, event_name="", **_):
    # What boto3 chose to send, so the test can say which paths it exercised.
    headers = {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}
    sent[event_name.split(".")[-1]] = {
        "x-amz-content-sha256": headers.get("x-amz-content-sha256"),
        "authorization": (headers.get("authorization") or "")[:16],
        "checksum": sorted(k for k in headers if k.startswith("x-amz-checksum") or k in ("x-amz-trailer", "x-amz-sdk-checksum-algorithm")),
    }


s3.meta.events.register("before-send.s3", record_request)


def step(name, fn):
    try:
        steps[name] = {"ok": True, **(fn() or {})}
    except botocore.exceptions.ClientError as e:
        steps[name] = {"ok": False, "error": {"code": e.response["Error"].get("Code"), "message": str(e)}}
    except Exception as e:  # noqa: BLE001 - report everything
        steps[name] = {"ok": False, "error": {"type": type(e).__name__, "message": str(e)}}


body = b"boto3 sigv4 body \xe2\x9c\x93 " * 5000
key = "boto3/a key+with (odd) chars/ü.txt"

step("create_bucket", lambda: (s3.create_bucket(Bucket=bucket), None)[1])
step("put_object", lambda: {"checksum": s3.put_object(Bucket=bucket, Key=key, Body=body).get("ChecksumCRC32")})
step("get_object", lambda: (lambda r: {"equal": r["Body"].read() == body, "checksum": r.get("ChecksumCRC32")})(
    s3.get_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")))
step("head_object", lambda: (lambda r: {"length": r["ContentLength"], "checksum": r.get("ChecksumCRC32")})(
    s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")))
step("list_objects_v2", lambda: {"keys": [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]})
step("upload_fileobj", lambda: (s3.upload_fileobj(__import__("io").BytesIO(body), bucket, "boto3/fileobj"), None)[1])
step("presigned_get", lambda: (lambda url: {"equal": __import__("urllib.request").request.urlopen(url).read() == body})(
    s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=300)))
step("delete_object", lambda: (s3.delete_object(Bucket=bucket, Key=key), None)[1])
step("gone", lambda: {"keys": [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]})

json.dump({"boto3": boto3.__version__, "steps": steps, "sent": sent}, sys.stdout)
