#!/usr/bin/env python3
"""boto3 managed transfers (s3transfer) through the gateway, one action per run.

Driven by test/clients/multipart.test.ts. Usage:
  multipart_boto3.py mb BUCKET
  multipart_boto3.py upload FILE BUCKET KEY          upload_file, 8 MiB threshold and parts
  multipart_boto3.py download BUCKET KEY FILE        download_file, 8 MiB ranged GETs, 4 threads
  multipart_boto3.py ranged_get BUCKET KEY FILE      get_object with 8 MiB Ranges on 4 threads (no If-Match)
  multipart_boto3.py copy BUCKET KEY BUCKET2 KEY2    copy() managed transfer → UploadPartCopy with ranges
  multipart_boto3.py copy_parts BUCKET KEY BUCKET2 KEY2  the same by hand: UploadPartCopy with 8 MiB ranges, no conditions
  multipart_boto3.py start_mpu BUCKET KEY SIZE       CreateMultipartUpload + one part of SIZE bytes, left open
  multipart_boto3.py list_uploads BUCKET
  multipart_boto3.py delete BUCKET KEY
  multipart_boto3.py rb BUCKET
Environment: S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY; S3_DEBUG=1 → botocore wire log on stderr.

Output: one JSON document on stdout: {"ok": true, ...} with the requests botocore
sent, counted per operation (and their Range / x-amz-copy-source-range headers),
or {"ok": false, "error": ...} (exit code 1).
"""
import hashlib
import json
import os
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

MiB = 1024 * 1024

if os.environ.get("S3_DEBUG") == "1":
    boto3.set_stream_logger("")  # stderr: stdout stays one JSON document

s3 = boto3.client(
    "s3",
    endpoint_url=os.environ["S3_ENDPOINT"],
    aws_access_key_id=os.environ["S3_ACCESS_KEY"],
    aws_secret_access_key=os.environ["S3_SECRET_KEY"],
    region_name="us-east-1",
    config=Config(signature_version="s3", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
)

# Every request botocore sends, by operation; the headers that show how the
# transfer was split (Range on GETs, x-amz-copy-source-range on UploadPartCopy).
counts = {}
ranges = []
copy_ranges = []
auth_schemes = set()


def _record(request, event_name, **_):
    op = event_name.split(".")[-1]
    counts[op] = counts.get(op, 0) + 1
    headers = {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}
    auth_schemes.add(headers.get("authorization", "").split(" ")[0])
    if op == "GetObject" and "range" in headers:
        ranges.append(headers["range"])
    if op == "UploadPartCopy":
        copy_ranges.append(headers.get("x-amz-copy-source-range"))


s3.meta.events.register("before-send.s3.*", _record)

TRANSFER = TransferConfig(
    multipart_threshold=8 * MiB,
    multipart_chunksize=8 * MiB,
    max_concurrency=4,
    use_threads=True,
    preferred_transfer_client="classic",
)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(MiB), b""):
            h.update(chunk)
    return h.hexdigest()


def act(action, args):
    if action == "mb":
        r = s3.create_bucket(Bucket=args[0])
        return {"status": r["ResponseMetadata"]["HTTPStatusCode"]}
    if action == "upload":
        path, bucket, key = args
        s3.upload_file(path, bucket, key, Config=TRANSFER)
        return {}
    if action == "download":
        bucket, key, path = args
        s3.download_file(bucket, key, path, Config=TRANSFER)
        return {"sha256": sha256_file(path), "size": os.path.getsize(path)}
    if action == "ranged_get":
        # What download_file does, minus the If-Match header s3transfer adds to each ranged GET.
        bucket, key, path = args
        size = s3.head_object(Bucket=bucket, Key=key)["ContentLength"]
        starts = range(0, size, 8 * MiB)

        def fetch(start):
            end = min(start + 8 * MiB, size) - 1
            r = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={start}-{end}")
            body = r["Body"].read()
            return r["ResponseMetadata"]["HTTPStatusCode"], r["ContentRange"], body

        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(fetch, starts))
        with open(path, "wb") as f:
            for _, _, body in results:
                f.write(body)
        return {
            "statuses": sorted({status for status, _, _ in results}),
            "content_ranges": [cr for _, cr, _ in results],
            "sha256": sha256_file(path),
            "size": os.path.getsize(path),
        }
    if action == "copy_parts":
        # What copy() does, minus the x-amz-copy-source-if-match header s3transfer adds to each part.
        bucket, key, bucket2, key2 = args
        size = s3.head_object(Bucket=bucket, Key=key)["ContentLength"]
        upload_id = s3.create_multipart_upload(Bucket=bucket2, Key=key2)["UploadId"]

        def copy_part(numbered):
            number, start = numbered
            end = min(start + 8 * MiB, size) - 1
            r = s3.upload_part_copy(
                Bucket=bucket2, Key=key2, UploadId=upload_id, PartNumber=number,
                CopySource={"Bucket": bucket, "Key": key}, CopySourceRange=f"bytes={start}-{end}",
            )
            return {"PartNumber": number, "ETag": r["CopyPartResult"]["ETag"]}

        with ThreadPoolExecutor(max_workers=4) as pool:
            parts = list(pool.map(copy_part, enumerate(range(0, size, 8 * MiB), start=1)))
        done = s3.complete_multipart_upload(Bucket=bucket2, Key=key2, UploadId=upload_id, MultipartUpload={"Parts": parts})
        return {"etag": done["ETag"], "parts": len(parts)}
    if action == "copy":
        bucket, key, bucket2, key2 = args
        s3.copy({"Bucket": bucket, "Key": key}, bucket2, key2, Config=TRANSFER)
        return {}
    if action == "start_mpu":
        bucket, key, size = args[0], args[1], int(args[2])
        upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
        part = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=1, Body=os.urandom(size))
        return {"upload_id": upload_id, "part_etag": part["ETag"]}
    if action == "list_uploads":
        r = s3.list_multipart_uploads(Bucket=args[0])
        return {"uploads": [{"key": u["Key"], "upload_id": u["UploadId"]} for u in r.get("Uploads", [])]}
    if action == "delete":
        r = s3.delete_object(Bucket=args[0], Key=args[1])
        return {"status": r["ResponseMetadata"]["HTTPStatusCode"]}
    if action == "rb":
        r = s3.delete_bucket(Bucket=args[0])
        return {"status": r["ResponseMetadata"]["HTTPStatusCode"]}
    raise SystemExit(f"unknown action {action}")


def main():
    action, args = sys.argv[1], sys.argv[2:]
    try:
        result = {"ok": True, **act(action, args)}
        code = 0
    except ClientError as e:
        err = e.response.get("Error", {})
        result = {
            "ok": False,
            "error": {
                "type": "ClientError",
                "code": err.get("Code"),
                "message": err.get("Message"),
                "status": e.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
                "operation": e.operation_name,
            },
        }
        code = 1
    except Exception as e:  # noqa: BLE001 - report whatever the transfer raised
        result = {"ok": False, "error": {"type": type(e).__name__, "message": str(e), "trace": traceback.format_exc()}}
        code = 1
    result.update({"requests": counts, "ranges": ranges, "copy_ranges": copy_ranges, "auth": sorted(auth_schemes)})
    print(json.dumps(result))
    sys.exit(code)


if __name__ == "__main__":
    main()
