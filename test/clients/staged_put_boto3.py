#!/usr/bin/env python3
"""Staged single PUTs through boto3 (default config: SigV4, its default checksum).

Driven by test/clients/staged-put.test.ts. Input (environment): S3_ENDPOINT,
S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET (exists). Output: one JSON document.
A 9 MiB put_object is above the gateway's default s3.stagedPutFromBytes.
"""
import hashlib
import json
import os

import boto3
from botocore.config import Config

s3 = boto3.client(
    "s3", endpoint_url=os.environ["S3_ENDPOINT"], region_name="us-east-1",
    aws_access_key_id=os.environ["S3_ACCESS_KEY"], aws_secret_access_key=os.environ["S3_SECRET_KEY"],
    config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
)
B = os.environ["S3_BUCKET"]
data = bytes((i * 7 + 3) & 0xFF for i in range(9 * 1024 * 1024 + 17))
md5 = '"%s"' % hashlib.md5(data).hexdigest()

put = s3.put_object(Bucket=B, Key="nine.bin", Body=data, ChecksumAlgorithm="CRC32")
head = s3.head_object(Bucket=B, Key="nine.bin", ChecksumMode="ENABLED")
got = s3.get_object(Bucket=B, Key="nine.bin")["Body"].read()
part = s3.get_object(Bucket=B, Key="nine.bin", PartNumber=1)
attrs = s3.get_object_attributes(Bucket=B, Key="nine.bin", ObjectAttributes=["ETag", "ObjectParts", "ObjectSize", "Checksum"])
listed = s3.list_objects_v2(Bucket=B, Prefix="nine")["Contents"][0]
print(json.dumps({
    "md5": md5,
    "put_etag": put["ETag"], "put_crc32": put.get("ChecksumCRC32"),
    "head_etag": head["ETag"], "head_crc32": head.get("ChecksumCRC32"), "head_length": head["ContentLength"],
    "get_equal": got == data,
    "part_parts_count": part.get("PartsCount"), "part_length": part["ContentLength"],
    "attrs_etag": attrs.get("ETag"), "attrs_parts": "ObjectParts" in attrs, "attrs_size": attrs.get("ObjectSize"),
    "attrs_crc32": attrs.get("Checksum", {}).get("ChecksumCRC32"),
    "listed_etag": listed["ETag"], "listed_size": listed["Size"],
}))
