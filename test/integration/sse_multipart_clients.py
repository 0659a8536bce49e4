"""boto3 (default configuration: SigV4, path style) uploading and downloading
encrypted multipart objects through the gateway with its transfer manager:
upload_file above a 5 MiB multipart threshold with ServerSideEncryption
AES256, aws:kms + SSEKMSKeyId, and SSECustomerKey; download_file (parallel
ranged GETs, across part boundaries); and one 100 MiB object, streamed from
and to files (never held in memory).

Prints one JSON report: per step, what boto3 saw (or its error); the test
(sse-multipart-clients.test.ts) checks it. The bucket is made by the test;
KMS_KEY_ID names a keyring key of the test gateway; WORK_DIR is a scratch
directory."""
import hashlib
import json
import os

import botocore
from boto3.s3.transfer import TransferConfig
from boto3_steps import client, error_of, step, steps

MiB = 1024 * 1024
bucket = os.environ["S3_BUCKET"]
kms_key = os.environ["KMS_KEY_ID"]
work = os.environ["WORK_DIR"]
s3 = client()
transfer = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=4)


def write_file(path, size):
    """A file of `size` random bytes, written 1 MiB at a time; its SHA-256."""
    h = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left > 0:
            piece = os.urandom(min(left, MiB))
            f.write(piece)
            h.update(piece)
            left -= len(piece)
    return h.hexdigest()


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for piece in iter(lambda: f.read(MiB), b""):
            h.update(piece)
    return h.hexdigest()


def round_trip(key, size, extra, read_extra):
    src = os.path.join(work, key.replace("/", "_") + ".src")
    dst = os.path.join(work, key.replace("/", "_") + ".dst")
    digest = write_file(src, size)
    s3.upload_file(src, bucket, key, ExtraArgs=extra, Config=transfer)
    head = s3.head_object(Bucket=bucket, Key=key, **read_extra)
    s3.download_file(bucket, key, dst, ExtraArgs=read_extra, Config=transfer)
    same = sha256_of(dst) == digest
    os.remove(src)
    os.remove(dst)
    return {
        "same": same, "size": head["ContentLength"] == size, "parts": head["ETag"].strip('"').split("-")[-1],
        "sse": head.get("ServerSideEncryption"), "kmsKey": head.get("SSEKMSKeyId"), "customer": head.get("SSECustomerAlgorithm"),
    }


customer = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": "k" * 32}
step("upload_file and download_file with SSE-S3", lambda: round_trip("boto/s3", 10 * MiB + 1, {"ServerSideEncryption": "AES256"}, {}))
step("upload_file and download_file with SSE-KMS", lambda: round_trip("boto/kms", 10 * MiB + 1, {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": kms_key}, {}))
step("upload_file and download_file with SSE-C", lambda: round_trip("boto/c", 10 * MiB + 1, customer, customer))
step("a 100 MiB object with SSE-S3", lambda: round_trip("boto/100mib", 100 * MiB, {"ServerSideEncryption": "AES256"}, {}))


def without_key():
    try:
        s3.head_object(Bucket=bucket, Key="boto/c")
        return {"refused": False}
    except botocore.exceptions.ClientError as e:
        return {"refused": True, "error": error_of(e)}


step("head of the SSE-C object without its key", without_key)
print(json.dumps({"steps": steps}))
