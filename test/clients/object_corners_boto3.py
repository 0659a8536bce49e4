#!/usr/bin/env python3
"""Conditional writes and the object/bucket corners through boto3 (SigV4).

Driven by test/clients/object-corners.test.ts. Input (environment): S3_ENDPOINT,
S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET (created here), S3_BUCKET_EU (created
with LocationConstraint eu-west-1 by a client that signs for eu-west-1),
S3_PREFIX (the names of the ListBuckets paging buckets, made by the caller).
Output: one JSON document {step: result}; every step records its own answer
or error so one failure does not hide the others.
"""
import hashlib
import json
import os
import traceback

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["S3_ENDPOINT"]
B = os.environ["S3_BUCKET"]
B_EU = os.environ["S3_BUCKET_EU"]
PREFIX = os.environ["S3_PREFIX"]


def client(region):
    return boto3.client(
        "s3", endpoint_url=ENDPOINT, region_name=region,
        aws_access_key_id=os.environ["S3_ACCESS_KEY"], aws_secret_access_key=os.environ["S3_SECRET_KEY"],
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


s3 = client("us-east-1")
eu = client("eu-west-1")
out = {}


def step(name):
    def wrap(fn):
        try:
            out[name] = {"ok": True, **(fn() or {})}
        except ClientError as e:
            out[name] = {"ok": False, "code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
        except Exception as e:  # noqa: BLE001 - recorded for the test to show
            out[name] = {"ok": False, "type": type(e).__name__, "message": str(e), "trace": traceback.format_exc()}
        return fn
    return wrap


def code_of(fn):
    try:
        fn()
        return "ok"
    except ClientError as e:
        return e.response["Error"]["Code"]


s3.create_bucket(Bucket=B)


@step("if_none_match")
def _():
    first = code_of(lambda: s3.put_object(Bucket=B, Key="inm", Body=b"one", IfNoneMatch="*"))
    second = code_of(lambda: s3.put_object(Bucket=B, Key="inm", Body=b"two", IfNoneMatch="*"))
    return {"first": first, "second": second, "body": s3.get_object(Bucket=B, Key="inm")["Body"].read().decode()}


@step("if_match")
def _():
    etag = s3.put_object(Bucket=B, Key="im", Body=b"v1")["ETag"]
    stale = code_of(lambda: s3.put_object(Bucket=B, Key="im", Body=b"v2", IfMatch='"%s"' % hashlib.md5(b"x").hexdigest()))
    fresh = code_of(lambda: s3.put_object(Bucket=B, Key="im", Body=b"v2", IfMatch=etag))
    missing = code_of(lambda: s3.put_object(Bucket=B, Key="im-missing", Body=b"v", IfMatch=etag))
    return {"stale": stale, "fresh": fresh, "missing": missing}


@step("delete_if_match")
def _():
    etag = s3.put_object(Bucket=B, Key="del", Body=b"d")["ETag"]
    wrong = code_of(lambda: s3.delete_object(Bucket=B, Key="del", IfMatch='"%s"' % hashlib.md5(b"x").hexdigest()))
    right = code_of(lambda: s3.delete_object(Bucket=B, Key="del", IfMatch=etag))
    return {"wrong": wrong, "right": right}


@step("complete_if_none_match")
def _():
    s3.put_object(Bucket=B, Key="mp", Body=b"plain")
    up = s3.create_multipart_upload(Bucket=B, Key="mp")["UploadId"]
    part = s3.upload_part(Bucket=B, Key="mp", UploadId=up, PartNumber=1, Body=b"part")
    parts = {"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}
    refused = code_of(lambda: s3.complete_multipart_upload(Bucket=B, Key="mp", UploadId=up, MultipartUpload=parts, IfNoneMatch="*"))
    s3.abort_multipart_upload(Bucket=B, Key="mp", UploadId=up)
    unknown = code_of(lambda: s3.complete_multipart_upload(Bucket=B, Key="mp", UploadId="NoSuchUploadAtAll", MultipartUpload=parts))
    return {"refused": refused, "unknown": unknown}


@step("storage_class")
def _():
    standard = code_of(lambda: s3.put_object(Bucket=B, Key="sc", Body=b"x", StorageClass="STANDARD"))
    glacier = code_of(lambda: s3.put_object(Bucket=B, Key="sc2", Body=b"x", StorageClass="GLACIER"))
    self_copy = code_of(lambda: s3.copy_object(Bucket=B, Key="sc", CopySource={"Bucket": B, "Key": "sc"}, StorageClass="STANDARD"))
    unchanged = code_of(lambda: s3.copy_object(Bucket=B, Key="sc", CopySource={"Bucket": B, "Key": "sc"}))
    listed = [o["StorageClass"] for o in s3.list_objects_v2(Bucket=B, Prefix="sc")["Contents"]]
    return {"standard": standard, "glacier": glacier, "self_copy": self_copy, "unchanged": unchanged, "listed": listed}


@step("listing")
def _():
    for i in range(5):
        s3.put_object(Bucket=B, Key="lm/%d" % i, Body=b"x", ContentEncoding="gzip, br")
    zero = s3.list_objects_v2(Bucket=B, MaxKeys=0)
    rows = s3.list_objects_v2(Bucket=B, Prefix="lm/")["Contents"]
    same = all(s3.head_object(Bucket=B, Key=r["Key"])["LastModified"] == r["LastModified"] for r in rows)
    encoding = s3.head_object(Bucket=B, Key="lm/0")["ContentEncoding"]
    return {"zero_truncated": zero["IsTruncated"], "zero_count": zero["KeyCount"], "last_modified_equal": same, "encoding": encoding}


@step("list_buckets_paging")
def _():
    names, token, pages = [], None, 0
    while True:
        kw = {"MaxBuckets": 2, "Prefix": PREFIX}
        if token:
            kw["ContinuationToken"] = token
        page = s3.list_buckets(**kw)
        pages += 1
        names += [b["Name"] for b in page["Buckets"]]
        regions = {b.get("BucketRegion") for b in page["Buckets"]}
        token = page.get("ContinuationToken")
        if not token:
            break
    paginated = [b["Name"] for p in s3.get_paginator("list_buckets").paginate(Prefix=PREFIX, PaginationConfig={"PageSize": 2}) for b in p["Buckets"]]
    return {"names": names, "pages": pages, "regions": sorted(r or "" for r in regions), "paginated": paginated}


@step("location_other_accepted_region")
def _():
    eu.create_bucket(Bucket=B_EU, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    eu.put_object(Bucket=B_EU, Key="k", Body=b"eu")
    where = eu.get_bucket_location(Bucket=B_EU)["LocationConstraint"]
    other = code_of(lambda: s3.create_bucket(Bucket=B_EU + "-x", CreateBucketConfiguration={"LocationConstraint": "ap-south-2"}))
    body = eu.get_object(Bucket=B_EU, Key="k")["Body"].read().decode()
    eu.delete_object(Bucket=B_EU, Key="k")
    eu.delete_bucket(Bucket=B_EU)
    return {"location": where, "other": other, "body": body}


print(json.dumps(out))
