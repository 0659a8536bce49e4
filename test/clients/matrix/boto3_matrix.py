#!/usr/bin/env python3
"""boto3 for the client matrix: a long-lived process that runs one scenario step
per line of JSON on stdin ({"step": NAME, "args": {...}}) and answers one line
of JSON on stdout: {"ok": true, "requests": {...}, ...} or {"ok": false, "error": ...}.

Environment: S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_SIGNING (v4 | v2),
S3_BUCKET. With v4 the client has boto3's default configuration (SigV4, CRC32
checksums when supported); with v2 only signature_version='s3' is set.
"""
import hashlib
import json
import os
import sys
import traceback

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

MiB = 1024 * 1024
BUCKET = os.environ["S3_BUCKET"]
SIGNING = os.environ["S3_SIGNING"]

config = Config(retries={"max_attempts": 1})
if SIGNING == "v2":
    config = config.merge(Config(signature_version="s3"))

session = boto3.session.Session(
    aws_access_key_id=os.environ["S3_ACCESS_KEY"],
    aws_secret_access_key=os.environ["S3_SECRET_KEY"],
    region_name="us-east-1",
)
s3 = session.client("s3", endpoint_url=os.environ["S3_ENDPOINT"], config=config)
resource = session.resource("s3", endpoint_url=os.environ["S3_ENDPOINT"], config=config)

# What went on the wire during the current step, per operation.
wire = {"requests": {}, "auth": set(), "checksums": set(), "ranges": []}


def _record(request, event_name, **_):
    op = event_name.split(".")[-1]
    wire["requests"][op] = wire["requests"].get(op, 0) + 1
    headers = {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}
    wire["auth"].add(headers.get("authorization", "").split(" ")[0])
    for name in headers:
        if name.startswith("x-amz-checksum-") and name != "x-amz-checksum-mode":
            wire["checksums"].add(name)
    if "x-amz-trailer" in headers:
        wire["checksums"].add("trailer:" + headers["x-amz-trailer"])
    if op == "GetObject" and "range" in headers:
        wire["ranges"].append(headers["range"])


s3.meta.events.register("before-send.s3.*", _record)
resource.meta.client.meta.events.register("before-send.s3.*", _record)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(MiB), b""):
            h.update(chunk)
    return h.hexdigest()


def mb():
    status = s3.create_bucket(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"]
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    return {"status": status, "listed": BUCKET in names}


def put(small):
    with open(small, "rb") as f:
        body = f.read()
    r = s3.put_object(Bucket=BUCKET, Key="docs/small.txt", Body=body, ContentType="text/plain; charset=utf-8",
                      Metadata={"color": "blue", "two_words": "under score"})
    s3.put_object(Bucket=BUCKET, Key="docs/sub/deeper.txt", Body=body)
    s3.put_object(Bucket=BUCKET, Key="top.txt", Body=body)
    return {"etag": r["ETag"]}


def upload(big):
    # boto3's default TransferConfig: 8 MiB threshold and parts.
    s3.upload_file(big, BUCKET, "big/big.bin")
    return {}


def listing():
    v2 = s3.list_objects_v2(Bucket=BUCKET, Prefix="docs/", Delimiter="/")
    v1 = s3.list_objects(Bucket=BUCKET, Delimiter="/")
    every = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, PaginationConfig={"PageSize": 2})
             for o in page.get("Contents", [])]
    return {
        "v2_keys": [o["Key"] for o in v2.get("Contents", [])],
        "v2_prefixes": [p["Prefix"] for p in v2.get("CommonPrefixes", [])],
        "v1_keys": [o["Key"] for o in v1.get("Contents", [])],
        "v1_prefixes": [p["Prefix"] for p in v1.get("CommonPrefixes", [])],
        "all_keys": every,
    }


def head():
    h = s3.head_object(Bucket=BUCKET, Key="docs/small.txt")
    return {"length": h["ContentLength"], "type": h["ContentType"], "metadata": h["Metadata"], "etag": h["ETag"]}


def ranged(start, end):
    r = s3.get_object(Bucket=BUCKET, Key="big/big.bin", Range=f"bytes={start}-{end}")
    body = r["Body"].read()
    return {"status": r["ResponseMetadata"]["HTTPStatusCode"], "content_range": r["ContentRange"], "sha256": sha256(body), "length": len(body)}


def copy():
    s3.copy_object(Bucket=BUCKET, Key="copies/small.txt", CopySource={"Bucket": BUCKET, "Key": "docs/small.txt"})
    h = s3.head_object(Bucket=BUCKET, Key="copies/small.txt")
    # The managed copy: above 8 MiB, a multipart copy of ranged UploadPartCopy requests.
    s3.copy({"Bucket": BUCKET, "Key": "big/big.bin"}, BUCKET, "copies/big.bin")
    return {"metadata": h["Metadata"], "type": h["ContentType"]}


def download(out):
    s3.download_file(BUCKET, "big/big.bin", os.path.join(out, "big.bin"))
    small = s3.get_object(Bucket=BUCKET, Key="docs/small.txt")["Body"].read()
    return {"big_sha256": sha256_file(os.path.join(out, "big.bin")), "small_sha256": sha256(small)}


def acl():
    bucket_acl = s3.get_bucket_acl(Bucket=BUCKET)
    object_acl = s3.get_object_acl(Bucket=BUCKET, Key="docs/small.txt")
    s3.put_bucket_acl(Bucket=BUCKET, ACL="private")
    s3.put_object_acl(Bucket=BUCKET, Key="docs/small.txt", ACL="private")
    strip = lambda a: {"Owner": a["Owner"], "Grants": a["Grants"]}
    return {"bucket": strip(bucket_acl), "object": strip(object_acl)}


def presign():
    get = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "docs/small.txt"}, ExpiresIn=300)
    put = s3.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": "presigned/put.txt"}, ExpiresIn=300)
    return {"get": get, "put": put}


def delete():
    r = s3.delete_object(Bucket=BUCKET, Key="top.txt")
    return {"status": r["ResponseMetadata"]["HTTPStatusCode"]}


def delete_many():
    r = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": "copies/small.txt"}, {"Key": "copies/big.bin"}, {"Key": "no/such/key"}]})
    # The resource API empties a bucket with DeleteObjects, a page at a time.
    rest = resource.Bucket(BUCKET).objects.all().delete()
    return {
        "deleted": sorted(d["Key"] for d in r.get("Deleted", [])),
        "errors": r.get("Errors", []),
        "rest": sorted(d["Key"] for page in rest for d in page.get("Deleted", [])),
    }


def rb():
    return {"status": s3.delete_bucket(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"]}


STEPS = {"mb": mb, "put": put, "upload": upload, "list": listing, "head": head, "ranged": ranged, "copy": copy,
         "download": download, "acl": acl, "presign": presign, "delete": delete, "delete_many": delete_many, "rb": rb}

print(json.dumps({"ready": True, "boto3": boto3.__version__}), flush=True)
for line in sys.stdin:
    cmd = json.loads(line)
    wire.update(requests={}, auth=set(), checksums=set(), ranges=[])
    try:
        out = {"ok": True, **STEPS[cmd["step"]](**cmd.get("args", {}))}
    except ClientError as e:
        err = e.response.get("Error", {})
        out = {"ok": False, "error": {"type": "ClientError", "code": err.get("Code"), "message": err.get("Message"),
                                      "status": e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")}}
    except Exception as e:  # noqa: BLE001 - reported to the test, which fails the step
        out = {"ok": False, "error": {"type": type(e).__name__, "message": str(e), "trace": traceback.format_exc()[-2000:]}}
    out.update(requests=wire["requests"], auth=sorted(wire["auth"]), checksums=sorted(wire["checksums"]), ranges=wire["ranges"])
    print(json.dumps(out), flush=True)
