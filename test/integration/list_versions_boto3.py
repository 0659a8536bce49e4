"""boto3's list_object_versions and its paginator against the gateway, with
boto3's default configuration (SigV4; botocore adds EncodingType=url to every
ListObjectVersions and decodes the keys it gets back). Prints one JSON report:
for each case (a bucket, a page size, an optional delimiter and prefix), the
paginator's merged result and the pages of a hand-written loop that follows
NextKeyMarker / NextVersionIdMarker; the test compares them with what it wrote."""
import json
import os

import boto3
from botocore.config import Config

s3 = boto3.client(
    "s3",
    endpoint_url=os.environ["S3_ENDPOINT"],
    aws_access_key_id=os.environ["S3_ACCESS_KEY"],
    aws_secret_access_key=os.environ["S3_SECRET_KEY"],
    region_name="us-east-1",
    config=Config(s3={"addressing_style": "path"}),
)
sent = []


def record_request(request, **_):
    # The query boto3 sent, so the test can tell encoding-type=url went out.
    sent.append(request.url.split("?", 1)[-1])


s3.meta.events.register("before-send.s3.ListObjectVersions", record_request)


def version(v):
    return {"Key": v["Key"], "VersionId": v["VersionId"], "IsLatest": v["IsLatest"], "ETag": v["ETag"], "Size": v["Size"]}


def marker(d):
    return {"Key": d["Key"], "VersionId": d["VersionId"], "IsLatest": d["IsLatest"]}


def run_case(case):
    base = {"Bucket": case["bucket"]}
    for name in ("Delimiter", "Prefix"):
        if case.get(name):
            base[name] = case[name]
    paginator = s3.get_paginator("list_object_versions")
    full = paginator.paginate(**base, PaginationConfig={"PageSize": case["page_size"]}).build_full_result()
    pages = []
    args = dict(base, MaxKeys=case["page_size"])
    for _ in range(10000):
        r = s3.list_object_versions(**args)
        pages.append({
            "KeyMarker": r.get("KeyMarker"),
            "VersionIdMarker": r.get("VersionIdMarker"),
            "IsTruncated": r["IsTruncated"],
            "NextKeyMarker": r.get("NextKeyMarker"),
            "NextVersionIdMarker": r.get("NextVersionIdMarker"),
            "Versions": len(r.get("Versions", [])),
            "DeleteMarkers": len(r.get("DeleteMarkers", [])),
            "CommonPrefixes": len(r.get("CommonPrefixes", [])),
        })
        if not r["IsTruncated"]:
            break
        args = dict(base, MaxKeys=case["page_size"], KeyMarker=r["NextKeyMarker"])
        if r.get("NextVersionIdMarker"):
            args["VersionIdMarker"] = r["NextVersionIdMarker"]
    return {
        "versions": [version(v) for v in full.get("Versions", [])],
        "deleteMarkers": [marker(d) for d in full.get("DeleteMarkers", [])],
        "commonPrefixes": [p["Prefix"] for p in full.get("CommonPrefixes", [])],
        "pages": pages,
    }


report = {"boto3": boto3.__version__, "cases": [run_case(c) for c in json.loads(os.environ["S3_CASES"])]}
report["sent"] = sent
print(json.dumps(report))
