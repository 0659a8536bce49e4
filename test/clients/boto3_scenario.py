#!/usr/bin/env python3
"""The client scenario, run through boto3 against the gateway.

Driven by test/clients/boto3.test.ts. Input (environment):
  S3_ENDPOINT      gateway URL (http://127.0.0.1:<port> or http://s3.test:<port>)
  S3_ACCESS_KEY    EC2 access key
  S3_SECRET_KEY    EC2 secret key
  S3_ADDRESSING    'path' or 'virtual'
  S3_BUCKET        first bucket (created and removed here)
  S3_BUCKET2       second bucket (cross-bucket copy target)
  S3_DEBUG         '1' → botocore wire log on stderr

Output: one JSON document on stdout, {"steps": {name: {"ok": bool, ...}}}.
Every step records its own result or its error, so one failing step does not
hide the others; the vitest file asserts step by step. The buckets are always
removed at the end (best effort), whatever failed.
"""
import hashlib
import json
import os
import socket
import sys
import traceback

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["S3_ENDPOINT"]
ACCESS = os.environ["S3_ACCESS_KEY"]
SECRET = os.environ["S3_SECRET_KEY"]
ADDRESSING = os.environ.get("S3_ADDRESSING", "path")
B1 = os.environ["S3_BUCKET"]
B2 = os.environ["S3_BUCKET2"]

# The resolver trick, limited to this process: s3.test and *.s3.test are the
# gateway on loopback, so virtual-host style requests reach it without DNS.
_real_getaddrinfo = socket.getaddrinfo


def _getaddrinfo(host, *args, **kwargs):
    if isinstance(host, str) and (host == "s3.test" or host.endswith(".s3.test")):
        host = "127.0.0.1"
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _getaddrinfo

if os.environ.get("S3_DEBUG") == "1":
    boto3.set_stream_logger("")  # a StreamHandler: stderr, so stdout stays one JSON document


def client(secret=SECRET):
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        aws_access_key_id=ACCESS,
        aws_secret_access_key=secret,
        region_name="us-east-1",
        # Defaults of request/response checksums stay on (x-amz-checksum-crc32,
        # x-amz-sdk-checksum-algorithm): the gateway must cope with them.
        config=Config(signature_version="s3", s3={"addressing_style": ADDRESSING}, retries={"max_attempts": 1}),
    )


s3 = client()
steps = {}
sent = {}


def _record_request(request, event_name, **_):
    # The headers botocore really sends, per operation (first request of each kind).
    headers = {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}
    sent.setdefault(event_name.split(".")[-1], {**headers, ":url": request.url})


s3.meta.events.register("before-send.s3.*", _record_request)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def error_of(exc):
    if isinstance(exc, ClientError):
        meta = exc.response.get("ResponseMetadata", {})
        err = exc.response.get("Error", {})
        return {"type": "ClientError", "code": err.get("Code"), "message": err.get("Message"),
                "status": meta.get("HTTPStatusCode")}
    return {"type": type(exc).__name__, "message": str(exc), "trace": traceback.format_exc()[-1500:]}


def step(name):
    def run(fn):
        try:
            result = fn() or {}
            steps[name] = {"ok": True, **result}
        except Exception as exc:  # noqa: BLE001 - every failure is reported as data
            steps[name] = {"ok": False, "error": error_of(exc)}
        return fn
    return run


def expect_error(fn):
    """Runs fn, which must fail with a ClientError; returns the error as data."""
    try:
        fn()
    except ClientError as exc:
        return {"error": error_of(exc)}
    raise AssertionError("the call succeeded; an error was expected")


SMALL_KEY = "docs/small_file.txt"
BIG_KEY = "data/big.bin"
SMALL = b"hello from boto3 through the gateway\n" * 10  # 370 bytes: room for bytes=100-199
BIG = os.urandom(5 * 1024 * 1024 + 123)
META = {"color": "blue", "two_words": "under score"}


@step("create_bucket")
def _():
    r1 = s3.create_bucket(Bucket=B1)
    r2 = s3.create_bucket(Bucket=B2)
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    return {"status": r1["ResponseMetadata"]["HTTPStatusCode"], "status2": r2["ResponseMetadata"]["HTTPStatusCode"],
            "listed": B1 in names and B2 in names, "bucket": B1}


@step("put_small")
def _():
    r = s3.put_object(Bucket=B1, Key=SMALL_KEY, Body=SMALL, ContentType="text/plain; charset=utf-8", Metadata=META)
    return {"status": r["ResponseMetadata"]["HTTPStatusCode"], "etag": r["ETag"],
            "md5": hashlib.md5(SMALL).hexdigest(),
            "request_headers": sent.get("PutObject", {})}


@step("put_big")
def _():
    r = s3.put_object(Bucket=B1, Key=BIG_KEY, Body=BIG, ContentType="application/octet-stream")
    return {"status": r["ResponseMetadata"]["HTTPStatusCode"], "etag": r["ETag"], "md5": hashlib.md5(BIG).hexdigest()}


@step("put_extra")
def _():
    # One more key below docs/ so that the delimiter listing has a nested prefix.
    s3.put_object(Bucket=B1, Key="docs/sub/nested.txt", Body=b"nested")
    return {}


@step("list_prefix")
def _():
    r = s3.list_objects(Bucket=B1, Prefix="docs/")
    v2 = s3.list_objects_v2(Bucket=B1, Prefix="docs/")
    return {"keys": [o["Key"] for o in r.get("Contents", [])],
            "sizes": {o["Key"]: o["Size"] for o in r.get("Contents", [])},
            "etags": {o["Key"]: o["ETag"] for o in r.get("Contents", [])},
            "v2_keys": [o["Key"] for o in v2.get("Contents", [])], "v2_count": v2.get("KeyCount")}


@step("list_delimiter")
def _():
    top = s3.list_objects(Bucket=B1, Delimiter="/")
    docs = s3.list_objects(Bucket=B1, Prefix="docs/", Delimiter="/")
    return {"top_prefixes": [p["Prefix"] for p in top.get("CommonPrefixes", [])],
            "top_keys": [o["Key"] for o in top.get("Contents", [])],
            "docs_prefixes": [p["Prefix"] for p in docs.get("CommonPrefixes", [])],
            "docs_keys": [o["Key"] for o in docs.get("Contents", [])]}


@step("head_small")
def _():
    r = s3.head_object(Bucket=B1, Key=SMALL_KEY)
    return {"metadata": r["Metadata"], "content_type": r["ContentType"], "length": r["ContentLength"], "etag": r["ETag"]}


@step("ranged_get")
def _():
    r = s3.get_object(Bucket=B1, Key=BIG_KEY, Range="bytes=100-199")
    body = r["Body"].read()
    return {"status": r["ResponseMetadata"]["HTTPStatusCode"], "content_range": r.get("ContentRange"),
            "length": len(body), "equal": body == BIG[100:200]}


@step("copy_same_bucket_copy_directive")
def _():
    r = s3.copy_object(Bucket=B1, Key="copies/small-copy.txt", CopySource={"Bucket": B1, "Key": SMALL_KEY},
                       MetadataDirective="COPY")
    h = s3.head_object(Bucket=B1, Key="copies/small-copy.txt")
    body = s3.get_object(Bucket=B1, Key="copies/small-copy.txt")["Body"].read()
    return {"status": r["ResponseMetadata"]["HTTPStatusCode"], "etag": r["CopyObjectResult"]["ETag"],
            "metadata": h["Metadata"], "content_type": h["ContentType"], "equal": body == SMALL}


@step("copy_same_bucket_replace_directive")
def _():
    r = s3.copy_object(Bucket=B1, Key="copies/small-replaced.txt", CopySource={"Bucket": B1, "Key": SMALL_KEY},
                       MetadataDirective="REPLACE", ContentType="text/x-replaced", Metadata={"new_name": "fresh"})
    h = s3.head_object(Bucket=B1, Key="copies/small-replaced.txt")
    return {"status": r["ResponseMetadata"]["HTTPStatusCode"], "metadata": h["Metadata"], "content_type": h["ContentType"]}


@step("copy_across_buckets")
def _():
    r = s3.copy_object(Bucket=B2, Key="big-copy.bin", CopySource={"Bucket": B1, "Key": BIG_KEY})
    body = s3.get_object(Bucket=B2, Key="big-copy.bin")["Body"].read()
    return {"status": r["ResponseMetadata"]["HTTPStatusCode"], "etag": r["CopyObjectResult"]["ETag"],
            "sha256": sha256(body), "expected": sha256(BIG)}


@step("download_compare")
def _():
    small = s3.get_object(Bucket=B1, Key=SMALL_KEY)
    small_body = small["Body"].read()
    big = s3.get_object(Bucket=B1, Key=BIG_KEY)
    big_body = big["Body"].read()
    return {"small": sha256(small_body), "small_expected": sha256(SMALL), "small_metadata": small["Metadata"],
            "small_content_type": small["ContentType"],
            "big": sha256(big_body), "big_expected": sha256(BIG), "big_length": big["ContentLength"]}


@step("download_file_transfer")
def _():
    # The managed transfer (s3transfer), below its multipart threshold: one GET.
    from boto3.s3.transfer import TransferConfig
    import tempfile
    cfg = TransferConfig(multipart_threshold=100 * 1024 * 1024, multipart_chunksize=100 * 1024 * 1024)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "up.bin")
        with open(path, "wb") as f:
            f.write(BIG)
        s3.upload_file(path, B1, "transfer/up.bin", Config=cfg)
        down = os.path.join(d, "down.bin")
        s3.download_file(B1, "transfer/up.bin", down, Config=cfg)
        with open(down, "rb") as f:
            got = f.read()
    s3.delete_object(Bucket=B1, Key="transfer/up.bin")
    return {"sha256": sha256(got), "expected": sha256(BIG)}


ODD_KEY = "odd dir/k e+y ü%41&=.txt"


@step("odd_key")
def _():
    # botocore asks ListObjects for encoding-type=url and unquotes what it gets back,
    # so a gateway that ignores (or double-applies) it mangles '+', '%' and spaces.
    s3.put_object(Bucket=B1, Key=ODD_KEY, Body=b"odd")
    listed = [o["Key"] for o in s3.list_objects(Bucket=B1, Prefix="odd").get("Contents", [])]
    listed_v2 = [o["Key"] for o in s3.list_objects_v2(Bucket=B1, Prefix="odd").get("Contents", [])]
    prefixes = [p["Prefix"] for p in s3.list_objects(Bucket=B1, Prefix="odd", Delimiter="/").get("CommonPrefixes", [])]
    body = s3.get_object(Bucket=B1, Key=ODD_KEY)["Body"].read()
    s3.delete_object(Bucket=B1, Key=ODD_KEY)
    return {"listed": listed, "listed_v2": listed_v2, "prefixes": prefixes, "body": body.decode()}


@step("missing_key")
def _():
    got = expect_error(lambda: s3.get_object(Bucket=B1, Key="no/such/key"))
    head = expect_error(lambda: s3.head_object(Bucket=B1, Key="no/such/key"))
    return {"get": got["error"], "head": head["error"]}


@step("wrong_secret")
def _():
    bad = client(secret=SECRET[:-2] + ("xx" if not SECRET.endswith("xx") else "yy"))
    listed = expect_error(lambda: bad.list_buckets())
    got = expect_error(lambda: bad.get_object(Bucket=B1, Key=SMALL_KEY))
    return {"list": listed["error"], "get": got["error"]}


@step("delete_objects")
def _():
    statuses = {}
    for bucket, key in [(B1, SMALL_KEY), (B1, BIG_KEY), (B1, "docs/sub/nested.txt"), (B1, "copies/small-copy.txt"),
                        (B1, "copies/small-replaced.txt"), (B2, "big-copy.bin")]:
        statuses[f"{bucket}/{key}"] = s3.delete_object(Bucket=bucket, Key=key)["ResponseMetadata"]["HTTPStatusCode"]
    left1 = s3.list_objects(Bucket=B1).get("Contents", [])
    left2 = s3.list_objects(Bucket=B2).get("Contents", [])
    head = expect_error(lambda: s3.head_object(Bucket=B1, Key=SMALL_KEY))
    return {"statuses": statuses, "left": len(left1) + len(left2), "head_after": head["error"]}


@step("delete_bucket")
def _():
    r1 = s3.delete_bucket(Bucket=B1)
    r2 = s3.delete_bucket(Bucket=B2)
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    gone = expect_error(lambda: s3.head_bucket(Bucket=B1))
    return {"status": r1["ResponseMetadata"]["HTTPStatusCode"], "status2": r2["ResponseMetadata"]["HTTPStatusCode"],
            "still_listed": B1 in names or B2 in names, "head_after": gone["error"]}


def cleanup():
    """Best effort: whatever an earlier failure left behind goes."""
    for bucket in (B1, B2):
        try:
            for obj in s3.list_objects(Bucket=bucket).get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=obj["Key"])
            s3.delete_bucket(Bucket=bucket)
        except Exception:  # noqa: BLE001
            pass


cleanup()
print(json.dumps({"boto3": boto3.__version__, "botocore": botocore.__version__, "addressing": ADDRESSING,
                  "steps": steps}, default=str))
