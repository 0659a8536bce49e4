"""boto3 (default configuration: SigV4, path style, its default checksums)
against the gateway's object and bucket tagging, step by step.

Prints one JSON report: the buckets it made (for cleanup) and, per step,
what boto3 saw (or its error); the test checks it."""
import json
import os

import boto3
import botocore
from boto3.s3.transfer import TransferConfig
import boto3_steps
from boto3_steps import client, steps
from boto3_steps import error_with_message as error_of

prefix = os.environ["S3_PREFIX"]
s3 = client()
MiB = 1024 * 1024
buckets = []

# The largest legal tag set (10 tags, keys of 128 and values of 256 Unicode
# characters) and S3's 2 KB of user metadata, together on one object.
LARGEST = [{"Key": f"{i}".ljust(128, "키"), "Value": f"{i}".ljust(256, "값")} for i in range(10)]
TWO_KB = {f"m{i}": "v" * 254 for i in range(8)}


def step(name, fn):
    boto3_steps.step(name, fn, describe=error_of)


def expect_error(fn):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        return error_of(e)
    return None


def new_bucket(label, versioned=False):
    name = f"{prefix}-{label}"[:63]
    s3.create_bucket(Bucket=name)
    buckets.append(name)
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def tags(bucket, key, **kw):
    return s3.get_object_tagging(Bucket=bucket, Key=key, **kw)["TagSet"]


def objects():
    b = new_bucket("obj")
    s3.put_object(Bucket=b, Key="k", Body=b"x", Tagging="project=alpha&owner=team%20a")
    head = s3.head_object(Bucket=b, Key="k")
    get = s3.get_object(Bucket=b, Key="k")
    get["Body"].read()
    s3.put_object(Bucket=b, Key="bare", Body=b"x")
    bare = s3.head_object(Bucket=b, Key="bare")
    s3.put_object(Bucket=b, Key="largest", Body=b"x", Metadata=TWO_KB)
    s3.put_object_tagging(Bucket=b, Key="largest", Tagging={"TagSet": LARGEST})
    largest = s3.head_object(Bucket=b, Key="largest")
    deleted = s3.delete_object_tagging(Bucket=b, Key="k")
    return {
        "headCount": head.get("TagCount"), "getCount": get.get("TagCount"), "bareCount": bare.get("TagCount"),
        "largestEqual": tags(b, "largest") == LARGEST, "largestCount": largest.get("TagCount"), "metadataKept": largest["Metadata"] == TWO_KB,
        "afterDelete": tags(b, "k"), "deleteStatus": deleted["ResponseMetadata"]["HTTPStatusCode"],
    }


def first_tags():
    b = buckets[0]
    s3.put_object(Bucket=b, Key="first", Body=b"x", Tagging="project=alpha&owner=team%20a")
    return {"tags": tags(b, "first")}


def errors():
    b = buckets[0]
    put = lambda tag_set: lambda: s3.put_object_tagging(Bucket=b, Key="bare", Tagging={"TagSet": tag_set})
    return {
        "eleven": expect_error(put([{"Key": f"k{i}", "Value": "v"} for i in range(11)])),
        "longKey": expect_error(put([{"Key": "k" * 129, "Value": "v"}])),
        "awsPrefix": expect_error(put([{"Key": "aws:x", "Value": "v"}])),
        "duplicate": expect_error(put([{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}])),
        "headerDuplicate": expect_error(lambda: s3.put_object(Bucket=b, Key="dup", Body=b"x", Tagging="a=1&a=2")),
        "missingKey": expect_error(lambda: s3.get_object_tagging(Bucket=b, Key="no-such-key")),
    }


def copies():
    b = buckets[0]
    s3.put_object(Bucket=b, Key="src", Body=b"x", Tagging="a=1")
    s3.copy_object(Bucket=b, Key="copied", CopySource={"Bucket": b, "Key": "src"})
    s3.copy_object(Bucket=b, Key="replaced", CopySource={"Bucket": b, "Key": "src"}, TaggingDirective="REPLACE", Tagging="b=2")
    s3.copy_object(Bucket=b, Key="big-copy", CopySource={"Bucket": b, "Key": "largest"})
    return {"copied": tags(b, "copied"), "replaced": tags(b, "replaced"), "bigCopyEqual": tags(b, "big-copy") == LARGEST}


def multipart():
    b = buckets[0]
    # s3transfer: a multipart upload (two parts) with Tagging in ExtraArgs.
    path = "/tmp/tagging-boto3-mpu.bin"
    with open(path, "wb") as f:
        f.write(os.urandom(10 * MiB + 1))
    s3.upload_file(path, b, "mpu", ExtraArgs={"Tagging": "kind=multipart"}, Config=TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB))
    os.remove(path)
    head = s3.head_object(Bucket=b, Key="mpu")
    return {"tags": tags(b, "mpu"), "count": head.get("TagCount"), "multipart": "-" in head["ETag"]}


def versions():
    b = new_bucket("ver", versioned=True)
    v1 = s3.put_object(Bucket=b, Key="doc", Body=b"1", Tagging="v=1")["VersionId"]
    v2 = s3.put_object(Bucket=b, Key="doc", Body=b"2")["VersionId"]
    put = s3.put_object_tagging(Bucket=b, Key="doc", VersionId=v1, Tagging={"TagSet": [{"Key": "v", "Value": "one"}]})
    marker = s3.delete_object(Bucket=b, Key="doc")["VersionId"]
    return {
        "putVersion": put.get("VersionId") == v1,
        "v1": tags(b, "doc", VersionId=v1), "v2": tags(b, "doc", VersionId=v2),
        "v1Count": s3.head_object(Bucket=b, Key="doc", VersionId=v1).get("TagCount"),
        "marker": expect_error(lambda: s3.get_object_tagging(Bucket=b, Key="doc", VersionId=marker)),
    }


def bucket_tags():
    b = buckets[0]
    fifty = [{"Key": f"{i}".ljust(128, "k"), "Value": f"{i}".ljust(256, "v")} for i in range(50)]
    before = expect_error(lambda: s3.get_bucket_tagging(Bucket=b))
    put = s3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": fifty})
    got = s3.get_bucket_tagging(Bucket=b)["TagSet"]
    too_many = expect_error(lambda: s3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": fifty + [{"Key": "x", "Value": "y"}]}))
    s3.delete_bucket_tagging(Bucket=b)
    after = expect_error(lambda: s3.get_bucket_tagging(Bucket=b))
    return {"before": before, "putStatus": put["ResponseMetadata"]["HTTPStatusCode"], "equal": got == fifty, "tooMany": too_many, "after": after}


def cleanup():
    for b in buckets:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=b):
            for v in page.get("Versions", []) + page.get("DeleteMarkers", []):
                s3.delete_object(Bucket=b, Key=v["Key"], VersionId=v["VersionId"])
        s3.delete_bucket(Bucket=b)
    return {"listed": [x["Name"] for x in s3.list_buckets()["Buckets"] if x["Name"].startswith(prefix)]}


step("objects", objects)
step("first", first_tags)
step("errors", errors)
step("copies", copies)
step("multipart", multipart)
step("versions", versions)
step("bucketTags", bucket_tags)
step("cleanup", cleanup)
print(json.dumps({"boto3": boto3.__version__, "buckets": buckets, "steps": steps}, default=str))
