"""boto3 (default configuration: SigV4, path style) against the gateway's
versioning. Two modes, chosen by S3_MODE:

- "scenario": every versioning operation as boto3 calls it, step by step:
  bucket state, version ids on writes and copies, reads by version, object
  ACLs by version, delete markers and their 404/405 answers, restoring by
  deleting a marker, UploadPartCopy from a version, multipart versions,
  DeleteObjects of versions, suspended buckets.
- "empty": the generic "delete every version and delete marker, then the
  bucket" loop SDK examples and tools use, in its two boto3 forms (the
  client paginator with delete_objects, and the resource API's
  object_versions.delete()), on buckets that were never versioned, are
  versioned, and are suspended, each with multipart objects in it.

Prints one JSON report; each step records what boto3 saw (or its error),
and the test checks it."""
import json
import os

import boto3
import botocore
from botocore.config import Config
import boto3_steps
from boto3_steps import steps

prefix = os.environ["S3_PREFIX"]
session = dict(
    endpoint_url=os.environ["S3_ENDPOINT"],
    aws_access_key_id=os.environ["S3_ACCESS_KEY"],
    aws_secret_access_key=os.environ["S3_SECRET_KEY"],
    region_name="us-east-1",
    config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
)
s3 = boto3.client("s3", **session)
MiB = 1024 * 1024


def error_of(e):
    meta = e.response.get("ResponseMetadata", {})
    headers = meta.get("HTTPHeaders", {})
    return {
        "status": meta.get("HTTPStatusCode"),
        "code": e.response.get("Error", {}).get("Code"),
        "deleteMarker": headers.get("x-amz-delete-marker"),
        "versionId": headers.get("x-amz-version-id"),
    }


def step(name, fn):
    boto3_steps.step(name, fn, describe=error_of)


def expect_error(fn):
    """What the service answered to a call that should fail (None if it did not)."""
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        return error_of(e)
    return None


def versioning(bucket, status):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status})


def multipart(bucket, key, fill, copy_source=None):
    """A two-part upload; part 2 is copied from copy_source when given."""
    up = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    p1 = s3.upload_part(Bucket=bucket, Key=key, UploadId=up, PartNumber=1, Body=fill * (5 * MiB))
    if copy_source:
        r = s3.upload_part_copy(Bucket=bucket, Key=key, UploadId=up, PartNumber=2, CopySource=copy_source)
        e2, copied = r["CopyPartResult"]["ETag"], r.get("CopySourceVersionId")
    else:
        e2, copied = s3.upload_part(Bucket=bucket, Key=key, UploadId=up, PartNumber=2, Body=fill)["ETag"], None
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=up,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p1["ETag"]}, {"PartNumber": 2, "ETag": e2}]},
    )
    return {"versionId": done.get("VersionId"), "etag": done["ETag"], "copySourceVersionId": copied}


def scenario():
    b = f"{prefix}-scn"
    s3.create_bucket(Bucket=b)
    ids = {}

    def states():
        before = s3.get_bucket_versioning(Bucket=b).get("Status")
        versioning(b, "Enabled")
        return {"before": before, "after": s3.get_bucket_versioning(Bucket=b).get("Status")}

    step("states", states)

    def writes():
        ids["v1"] = s3.put_object(Bucket=b, Key="k", Body=b"one").get("VersionId")
        ids["v2"] = s3.put_object(Bucket=b, Key="k", Body=b"two!").get("VersionId")
        c = s3.copy_object(Bucket=b, Key="copy", CopySource={"Bucket": b, "Key": "k", "VersionId": ids["v1"]})
        return {
            "v1": ids["v1"], "v2": ids["v2"],
            "copySourceVersionId": c.get("CopySourceVersionId"), "copyVersionId": c.get("VersionId"),
            "copyBody": s3.get_object(Bucket=b, Key="copy")["Body"].read().decode(),
        }

    step("writes", writes)

    def reads():
        current = s3.get_object(Bucket=b, Key="k")
        old = s3.get_object(Bucket=b, Key="k", VersionId=ids["v1"])
        head = s3.head_object(Bucket=b, Key="k", VersionId=ids["v1"])
        acl = s3.get_object_acl(Bucket=b, Key="k", VersionId=ids["v1"])
        return {
            "current": [current["Body"].read().decode(), current.get("VersionId")],
            "old": [old["Body"].read().decode(), old.get("VersionId")],
            "head": [head["ContentLength"], head.get("VersionId")],
            "aclGrants": [g["Permission"] for g in acl["Grants"]],
            "aclUnknown": expect_error(lambda: s3.get_object_acl(Bucket=b, Key="k", VersionId="1234567890.12345")),
            "unknown": expect_error(lambda: s3.get_object(Bucket=b, Key="k", VersionId="1234567890.12345")),
            "invalid": expect_error(lambda: s3.get_object(Bucket=b, Key="k", VersionId="not-a-version")),
        }

    step("reads", reads)

    def markers():
        d = s3.delete_object(Bucket=b, Key="k")
        ids["marker"] = d.get("VersionId")
        out = {
            "delete": [d.get("DeleteMarker"), d.get("VersionId")],
            "get": expect_error(lambda: s3.get_object(Bucket=b, Key="k")),
            "head": expect_error(lambda: s3.head_object(Bucket=b, Key="k")),
            "getMarker": expect_error(lambda: s3.get_object(Bucket=b, Key="k", VersionId=ids["marker"])),
            "oldStillReads": s3.get_object(Bucket=b, Key="k", VersionId=ids["v2"])["Body"].read().decode(),
        }
        undo = s3.delete_object(Bucket=b, Key="k", VersionId=ids["marker"])
        out["undo"] = [undo.get("DeleteMarker"), undo.get("VersionId")]
        out["afterUndo"] = s3.get_object(Bucket=b, Key="k")["Body"].read().decode()
        return out

    step("markers", markers)

    def mpu():
        first = multipart(b, "big", b"A", copy_source={"Bucket": b, "Key": "k", "VersionId": ids["v1"]})
        second = multipart(b, "big", b"B")
        old = s3.get_object(Bucket=b, Key="big", VersionId=first["versionId"])
        body = old["Body"].read()
        return {
            "first": first, "second": second,
            "oldRead": [len(body), body[-3:].decode(), old["ETag"]],
            "currentEtag": s3.head_object(Bucket=b, Key="big")["ETag"],
        }

    step("multipart", mpu)

    def batch():
        r = s3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "k", "VersionId": ids["v1"]}, {"Key": "copy"}]})
        remaining = s3.list_object_versions(Bucket=b, Prefix="k")
        return {
            "deleted": sorted(
                [{"Key": d["Key"], "VersionId": d.get("VersionId"), "DeleteMarker": d.get("DeleteMarker", False),
                  "HasMarkerVersionId": bool(d.get("DeleteMarkerVersionId"))} for d in r.get("Deleted", [])],
                key=lambda d: d["Key"]),
            "errors": r.get("Errors", []),
            "remainingOfK": [v["VersionId"] for v in remaining.get("Versions", []) if v["Key"] == "k"],
        }

    step("deleteObjects", batch)

    def suspended():
        versioning(b, "Suspended")
        state = s3.get_bucket_versioning(Bucket=b).get("Status")
        p1 = s3.put_object(Bucket=b, Key="k", Body=b"null one")
        p2 = s3.put_object(Bucket=b, Key="k", Body=b"null two")
        listed = s3.list_object_versions(Bucket=b, Prefix="k")
        return {
            "state": state,
            "putVersionIds": [p1.get("VersionId"), p2.get("VersionId")],
            "current": s3.get_object(Bucket=b, Key="k")["Body"].read().decode(),
            "byNull": s3.get_object(Bucket=b, Key="k", VersionId="null")["Body"].read().decode(),
            "v2StillReads": s3.get_object(Bucket=b, Key="k", VersionId=ids["v2"])["Body"].read().decode(),
            "listed": [[v["VersionId"], v["IsLatest"]] for v in listed.get("Versions", []) if v["Key"] == "k"],
        }

    step("suspended", suspended)
    return b


def fill_bucket(b, kind):
    """Objects, versions, delete markers and multipart objects, as a bucket of that kind gets them."""
    s3.create_bucket(Bucket=b)
    if kind != "never":
        versioning(b, "Enabled")
    for i in range(3):
        s3.put_object(Bucket=b, Key=f"dir/obj{i}", Body=b"x" * i)
        s3.put_object(Bucket=b, Key=f"dir/obj{i}", Body=b"y" * i)
    multipart(b, "mp", b"m")
    multipart(b, "mp", b"n")
    s3.delete_object(Bucket=b, Key="dir/obj0")
    if kind == "suspended":
        versioning(b, "Suspended")
        s3.put_object(Bucket=b, Key="dir/obj1", Body=b"null")
        s3.delete_object(Bucket=b, Key="dir/obj2")
        multipart(b, "mp", b"o")


def count_versions(b):
    pages = s3.get_paginator("list_object_versions").paginate(Bucket=b)
    n = {"versions": 0, "markers": 0}
    for page in pages:
        n["versions"] += len(page.get("Versions", []))
        n["markers"] += len(page.get("DeleteMarkers", []))
    return n


def empty_with_client(b):
    # The loop of AWS's own examples: every page of versions and markers
    # into one delete_objects call, then the bucket.
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=b, PaginationConfig={"PageSize": 3}):
        objects = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if objects:
            r = s3.delete_objects(Bucket=b, Delete={"Objects": objects, "Quiet": True})
            if r.get("Errors"):
                raise RuntimeError(f"delete_objects errors: {r['Errors']}")
    s3.delete_bucket(Bucket=b)


def empty_with_resource(b):
    bucket = boto3.resource("s3", **session).Bucket(b)
    bucket.object_versions.delete()
    bucket.delete()


def empty():
    buckets = {}
    for kind in ("never", "versioned", "suspended"):
        for style, fn in (("client", empty_with_client), ("resource", empty_with_resource)):
            b = f"{prefix}-{kind[:3]}-{style[:3]}"
            buckets[f"{kind}/{style}"] = b

            def run(b=b, kind=kind, fn=fn):
                fill_bucket(b, kind)
                before = count_versions(b)
                fn(b)
                gone = expect_error(lambda: s3.head_bucket(Bucket=b))
                return {"bucket": b, "before": before, "headAfter": gone and gone["status"]}

            step(f"{kind}/{style}", run)
    return buckets


mode = os.environ["S3_MODE"]
report = {"boto3": boto3.__version__}
report["buckets"] = [scenario()] if mode == "scenario" else list(empty().values())
report["steps"] = steps
print(json.dumps(report))
