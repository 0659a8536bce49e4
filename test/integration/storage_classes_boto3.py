"""boto3 (default configuration: SigV4, path style) against storage classes:
the gateway maps STANDARD_IA and GLACIER_IR to Swift's ec21 policy. Each
step records what boto3 saw (or its error) in one JSON report; the test
checks it. The bucket is S3_BUCKET, made here."""
import json
import os

import boto3
import botocore
from botocore.config import Config

bucket = os.environ["S3_BUCKET"]
s3 = boto3.client(
    "s3",
    endpoint_url=os.environ["S3_ENDPOINT"],
    aws_access_key_id=os.environ["S3_ACCESS_KEY"],
    aws_secret_access_key=os.environ["S3_SECRET_KEY"],
    region_name="us-east-1",
    config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
)
MiB = 1024 * 1024
steps = {}


def step(name):
    def wrap(fn):
        try:
            steps[name] = {"ok": True, **(fn() or {})}
        except botocore.exceptions.ClientError as e:
            steps[name] = {"ok": False, "code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
        return fn
    return wrap


s3.create_bucket(Bucket=bucket)


@step("put")
def _():
    s3.put_object(Bucket=bucket, Key="ia", Body=b"cold bytes", StorageClass="STANDARD_IA")
    s3.put_object(Bucket=bucket, Key="std", Body=b"hot bytes")
    head = s3.head_object(Bucket=bucket, Key="ia")
    plain = s3.head_object(Bucket=bucket, Key="std")
    got = s3.get_object(Bucket=bucket, Key="ia")
    return {"head": head.get("StorageClass"), "plain": plain.get("StorageClass"), "get": got.get("StorageClass"), "body": got["Body"].read().decode()}


@step("unmapped")
def _():
    s3.put_object(Bucket=bucket, Key="g", Body=b"x", StorageClass="GLACIER")


@step("listings")
def _():
    v2 = s3.list_objects_v2(Bucket=bucket)["Contents"]
    v1 = s3.list_objects(Bucket=bucket)["Contents"]
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    return {
        "v2": {o["Key"]: o["StorageClass"] for o in v2},
        "v1": {o["Key"]: o["StorageClass"] for o in v1},
        "versions": {o["Key"]: o["StorageClass"] for o in versions},
    }


@step("copy")
def _():
    s3.copy_object(Bucket=bucket, Key="std", CopySource={"Bucket": bucket, "Key": "std"}, StorageClass="GLACIER_IR")
    return {"after": s3.head_object(Bucket=bucket, Key="std").get("StorageClass"), "body": s3.get_object(Bucket=bucket, Key="std")["Body"].read().decode()}


@step("attributes")
def _():
    a = s3.get_object_attributes(Bucket=bucket, Key="ia", ObjectAttributes=["StorageClass", "ObjectSize"])
    return {"class": a.get("StorageClass"), "size": a.get("ObjectSize")}


@step("multipart")
def _():
    up = s3.create_multipart_upload(Bucket=bucket, Key="mp", StorageClass="STANDARD_IA")
    uid = up["UploadId"]
    p1 = s3.upload_part(Bucket=bucket, Key="mp", UploadId=uid, PartNumber=1, Body=b"a" * (5 * MiB))
    p2 = s3.upload_part(Bucket=bucket, Key="mp", UploadId=uid, PartNumber=2, Body=b"b" * 10)
    uploads = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    parts = s3.list_parts(Bucket=bucket, Key="mp", UploadId=uid)
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=uid, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": p1["ETag"]}, {"PartNumber": 2, "ETag": p2["ETag"]}]})
    head = s3.head_object(Bucket=bucket, Key="mp")
    return {"uploads": [u["StorageClass"] for u in uploads], "parts": parts.get("StorageClass"), "head": head.get("StorageClass"), "size": head["ContentLength"], "etag": head["ETag"]}


@step("upload_file")
def _():
    # s3transfer's managed upload (multipart above its threshold), with the class as an extra argument.
    path = os.path.join(os.environ["S3_TMP"], "big")
    with open(path, "wb") as f:
        f.write(os.urandom(9 * MiB))
    s3.upload_file(path, bucket, "managed", ExtraArgs={"StorageClass": "GLACIER_IR"}, Config=boto3.s3.transfer.TransferConfig(multipart_threshold=8 * MiB, multipart_chunksize=5 * MiB))
    out = path + ".out"
    s3.download_file(bucket, "managed", out)
    with open(path, "rb") as a, open(out, "rb") as b:
        same = a.read() == b.read()
    return {"class": s3.head_object(Bucket=bucket, Key="managed").get("StorageClass"), "same": same}


@step("cleanup")
def _():
    for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        s3.delete_object(Bucket=bucket, Key=o["Key"])
    s3.delete_bucket(Bucket=bucket)


print(json.dumps({"boto3": boto3.__version__, "steps": steps}))
