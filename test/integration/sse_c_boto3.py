"""boto3 (default configuration: SigV4, path style, its default checksums)
against the gateway's SSE-C on single objects, step by step.

Prints one JSON report: per step, what boto3 saw (or its error); the test
(sse-c.test.ts) checks it. The bucket is made by the test."""
import hashlib
import json
import os
import urllib.request

import botocore
import boto3_steps
from boto3_steps import client, steps
from boto3_steps import error_with_message as error_of

bucket = os.environ["S3_BUCKET"]
s3 = client()
KEY = os.urandom(32)
OTHER = os.urandom(32)
SSE = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": KEY}


def step(name, fn):
    boto3_steps.step(name, fn, describe=error_of)


def body(size):
    return bytes((i * 7 + 3) & 0xFF for i in range(size))


def roundtrip(size):
    def run():
        data = body(size)
        put = s3.put_object(Bucket=bucket, Key=f"boto/{size}", Body=data, **SSE)
        got = s3.get_object(Bucket=bucket, Key=f"boto/{size}", **SSE)
        back = got["Body"].read()
        head = s3.head_object(Bucket=bucket, Key=f"boto/{size}", **SSE)
        return {
            "same": back == data, "length": head["ContentLength"],
            "putAlgorithm": put.get("SSECustomerAlgorithm"), "getAlgorithm": got.get("SSECustomerAlgorithm"),
            "headKeyMd5Matches": head.get("SSECustomerKeyMD5") == __import__("base64").b64encode(hashlib.md5(KEY).digest()).decode(),
        }
    return run


for size in [0, 1, 15, 16, 17, 1024 * 1024 + 3, 70 * 1024]:
    step(f"roundtrip {size}", roundtrip(size))


def ranged():
    data = body(100_000)
    s3.put_object(Bucket=bucket, Key="boto/range", Body=data, **SSE)
    out = {}
    for r, (a, b) in {"bytes=17-4112": (17, 4113), "bytes=-33": (len(data) - 33, len(data)), "bytes=99990-": (99990, len(data))}.items():
        got = s3.get_object(Bucket=bucket, Key="boto/range", Range=r, **SSE)["Body"].read()
        out[r] = got == data[a:b]
    return out


step("ranges", ranged)


def expect_error(fn):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        return error_of(e)
    return {"status": 200}


step("no key", lambda: {"get": expect_error(lambda: s3.get_object(Bucket=bucket, Key="boto/17")), "head": expect_error(lambda: s3.head_object(Bucket=bucket, Key="boto/17"))})
step("wrong key", lambda: {"get": expect_error(lambda: s3.get_object(Bucket=bucket, Key="boto/17", SSECustomerAlgorithm="AES256", SSECustomerKey=OTHER))})


def transfer():
    path = os.path.join(os.environ["S3_TMP"], "up.bin")
    data = body(3 * 1024 * 1024 + 1)
    with open(path, "wb") as f:
        f.write(data)
    s3.upload_file(path, bucket, "boto/transfer", ExtraArgs=SSE)
    back = os.path.join(os.environ["S3_TMP"], "down.bin")
    s3.download_file(bucket, "boto/transfer", back, ExtraArgs=SSE)
    with open(back, "rb") as f:
        return {"same": f.read() == data}


step("upload_file and download_file", transfer)


def presigned():
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "boto/17", **SSE}, ExpiresIn=300)
    import base64
    headers = {
        "x-amz-server-side-encryption-customer-algorithm": "AES256",
        "x-amz-server-side-encryption-customer-key": base64.b64encode(KEY).decode(),
        "x-amz-server-side-encryption-customer-key-MD5": base64.b64encode(hashlib.md5(KEY).digest()).decode(),
    }
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
        ok = r.read() == body(17)
    try:
        urllib.request.urlopen(url)
        without = 200
    except urllib.error.HTTPError as e:
        without = e.code
    return {"same": ok, "withoutHeaders": without}


step("presigned GET", presigned)
def multipart_created():
    # Encrypted multipart uploads themselves: sse-multipart-clients.test.ts. Here: boto3's CreateMultipartUpload takes the key.
    created = s3.create_multipart_upload(Bucket=bucket, Key="boto/mp", **SSE)
    s3.abort_multipart_upload(Bucket=bucket, Key="boto/mp", UploadId=created["UploadId"])
    return {"algorithm": created.get("SSECustomerAlgorithm"), "keyMd5": created.get("SSECustomerKeyMD5") == __import__("base64").b64encode(hashlib.md5(KEY).digest()).decode()}


step("multipart created", multipart_created)
step("copy refused", lambda: {"copy": expect_error(lambda: s3.copy_object(Bucket=bucket, Key="boto/copy", CopySource={"Bucket": bucket, "Key": "boto/17"}))})



def post_upload():
    import base64
    import requests
    fields = {
        "x-amz-server-side-encryption-customer-algorithm": "AES256",
        "x-amz-server-side-encryption-customer-key": base64.b64encode(KEY).decode(),
        "x-amz-server-side-encryption-customer-key-MD5": base64.b64encode(hashlib.md5(KEY).digest()).decode(),
    }
    form = s3.generate_presigned_post(bucket, "boto/post", Fields=fields, Conditions=[{k: v} for k, v in fields.items()], ExpiresIn=300)
    r = requests.post(form["url"], data=form["fields"], files={"file": ("f", b"posted secret")})
    stored = True
    try:
        s3.head_object(Bucket=bucket, Key="boto/post")
    except botocore.exceptions.ClientError:
        stored = False
    return {"status": r.status_code, "stored": stored, "namesHeader": "<Header>x-amz-server-side-encryption-customer-" in r.text}


step("browser POST upload with SSE-C fields", post_upload)

print(json.dumps({"steps": steps}))
