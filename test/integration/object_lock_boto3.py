"""boto3 (default configuration: SigV4, path style, its default checksums)
against the gateway's S3 Object Lock, step by step. Two endpoints of the same
stack: S3_ENDPOINT lets the key's roles bypass GOVERNANCE, S3_ENDPOINT_NOBYPASS
does not (s3.objectLock.bypassGovernanceRoles names a role the key lacks).

Prints one JSON report: the buckets it made (for cleanup) and, per step,
what boto3 saw (or its error); the test checks it."""
import concurrent.futures
import base64
import datetime
import hashlib
import json
import os
import time

import boto3
import botocore
from botocore.config import Config
import boto3_steps
from boto3_steps import steps
from boto3_steps import error_with_message as error_of

prefix = os.environ["S3_PREFIX"]


def client(endpoint, **config):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=os.environ["S3_ACCESS_KEY"],
        aws_secret_access_key=os.environ["S3_SECRET_KEY"],
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, **config),
    )


s3 = client(os.environ["S3_ENDPOINT"])
nobypass = client(os.environ["S3_ENDPOINT_NOBYPASS"])
# Sends no checksum where S3 does not require one (PutObject): the Content-MD5 rule is S3's to enforce.
bare = client(os.environ["S3_ENDPOINT"], request_checksum_calculation="when_required")
MiB = 1024 * 1024
buckets = []


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def later(**kw):
    return now() + datetime.timedelta(**kw)


def iso(d):
    return d.astimezone(datetime.timezone.utc).isoformat() if d else None


def step(name, fn):
    boto3_steps.step(name, fn, describe=error_of)


def expect_error(fn):
    """What the service answered to a call that should fail (None if it did not)."""
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        return error_of(e)
    return None


def new_bucket(label, lock=True):
    name = f"{prefix}-{label}"[:63]
    if lock:
        s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    else:
        s3.create_bucket(Bucket=name)
    buckets.append(name)
    return name


def lock_of(bucket, key, version=None, via=None):
    h = (via or s3).head_object(Bucket=bucket, Key=key, **({"VersionId": version} if version else {}))
    return {"mode": h.get("ObjectLockMode"), "until": iso(h.get("ObjectLockRetainUntilDate")), "hold": h.get("ObjectLockLegalHoldStatus")}


def put(bucket, key, body=b"data", **kw):
    return s3.put_object(Bucket=bucket, Key=key, Body=body, **kw)["VersionId"]


B = new_bucket("lk")


def create():
    cfg = s3.get_object_lock_configuration(Bucket=B)["ObjectLockConfiguration"]
    return {
        "versioning": s3.get_bucket_versioning(Bucket=B).get("Status"),
        "config": cfg,
        "suspend": expect_error(lambda: s3.put_bucket_versioning(Bucket=B, VersioningConfiguration={"Status": "Suspended"})),
        "stillEnabled": s3.get_bucket_versioning(Bucket=B).get("Status"),
    }


def plain():
    p = new_bucket("plain", lock=False)
    out = {
        "getConfig": expect_error(lambda: s3.get_object_lock_configuration(Bucket=p)),
        "putLocked": expect_error(lambda: put(p, "k", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=later(days=1))),
        "retention": expect_error(lambda: s3.put_object_retention(Bucket=p, Key="k", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later(days=1)})),
        "unversioned": expect_error(lambda: s3.put_object_lock_configuration(Bucket=p, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})),
    }
    s3.put_bucket_versioning(Bucket=p, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket=p, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
    out["enabledLater"] = s3.get_object_lock_configuration(Bucket=p)["ObjectLockConfiguration"]
    return out


def config():
    rule = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}
    s3.put_object_lock_configuration(Bucket=B, ObjectLockConfiguration=rule)
    days = s3.get_object_lock_configuration(Bucket=B)["ObjectLockConfiguration"]
    v = put(B, "defaulted")
    defaulted = lock_of(B, "defaulted", v)
    s3.put_object_lock_configuration(Bucket=B, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 1}}})
    years = s3.get_object_lock_configuration(Bucket=B)["ObjectLockConfiguration"]
    bad = lambda r: expect_error(lambda: s3.put_object_lock_configuration(Bucket=B, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": r}}))
    out = {
        "days": days, "years": years, "defaulted": defaulted, "defaultedVersion": v, "writtenAt": iso(now()),
        "both": bad({"Mode": "GOVERNANCE", "Days": 1, "Years": 1}),
        "zero": bad({"Mode": "GOVERNANCE", "Days": 0}),
        "noPeriod": bad({"Mode": "GOVERNANCE"}),
        "badMode": bad({"Mode": "FOREVER", "Days": 1}),
        # A default retention is a lock: S3 wants Content-MD5 or a checksum with the PutObject.
        "bareDefault": expect_error(lambda: bare.put_object(Bucket=B, Key="bare", Body=b"x")),
    }
    s3.put_object_lock_configuration(Bucket=B, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
    out["cleared"] = s3.get_object_lock_configuration(Bucket=B)["ObjectLockConfiguration"]
    out["bareUnlocked"] = bool(bare.put_object(Bucket=B, Key="bare", Body=b"x")["VersionId"])
    return out


def governance():
    until = later(days=2)
    v = put(B, "gov", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until)
    g = s3.get_object(Bucket=B, Key="gov", VersionId=v)
    out = {
        "until": iso(until), "head": lock_of(B, "gov", v),
        "get": {"mode": g.get("ObjectLockMode"), "until": iso(g.get("ObjectLockRetainUntilDate"))},
        "retention": {k: (iso(x) if k == "RetainUntilDate" else x) for k, x in s3.get_object_retention(Bucket=B, Key="gov", VersionId=v)["Retention"].items()},
        "delete": expect_error(lambda: s3.delete_object(Bucket=B, Key="gov", VersionId=v)),
        "bypassRefused": expect_error(lambda: nobypass.delete_object(Bucket=B, Key="gov", VersionId=v, BypassGovernanceRetention=True)),
        "shorten": expect_error(lambda: s3.put_object_retention(Bucket=B, Key="gov", VersionId=v, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later(days=1)})),
        "remove": expect_error(lambda: nobypass.put_object_retention(Bucket=B, Key="gov", VersionId=v, Retention={}, BypassGovernanceRetention=True)),
    }
    s3.put_object_retention(Bucket=B, Key="gov", VersionId=v, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later(days=3)})
    out["extended"] = lock_of(B, "gov", v)
    # Without a version id: a delete marker, whatever the lock.
    m = s3.delete_object(Bucket=B, Key="gov")
    out["marker"] = {"deleteMarker": m.get("DeleteMarker"), "versionId": m.get("VersionId")}
    out["stillThere"] = s3.get_object(Bucket=B, Key="gov", VersionId=v)["Body"].read().decode()
    s3.put_object_retention(Bucket=B, Key="gov", VersionId=v, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later(hours=1)}, BypassGovernanceRetention=True)
    out["shortenedWithBypass"] = lock_of(B, "gov", v)
    s3.delete_object(Bucket=B, Key="gov", VersionId=v, BypassGovernanceRetention=True)
    out["gone"] = expect_error(lambda: s3.head_object(Bucket=B, Key="gov", VersionId=v))
    return out


def compliance():
    far = datetime.datetime(2199, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc)
    v = put(B, "comp", ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=later(days=10))
    out = {
        "deleteWithBypass": expect_error(lambda: s3.delete_object(Bucket=B, Key="comp", VersionId=v, BypassGovernanceRetention=True)),
        "shorten": expect_error(lambda: s3.put_object_retention(Bucket=B, Key="comp", VersionId=v, Retention={"Mode": "COMPLIANCE", "RetainUntilDate": later(days=5)}, BypassGovernanceRetention=True)),
        "toGovernance": expect_error(lambda: s3.put_object_retention(Bucket=B, Key="comp", VersionId=v, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later(days=20)}, BypassGovernanceRetention=True)),
        "remove": expect_error(lambda: s3.put_object_retention(Bucket=B, Key="comp", VersionId=v, Retention={}, BypassGovernanceRetention=True)),
    }
    s3.put_object_retention(Bucket=B, Key="comp", VersionId=v, Retention={"Mode": "COMPLIANCE", "RetainUntilDate": far})
    out["farFuture"] = lock_of(B, "comp", v)
    out["farDelete"] = expect_error(lambda: s3.delete_object(Bucket=B, Key="comp", VersionId=v))
    return out


def dates():
    return {
        "pastHeader": expect_error(lambda: put(B, "past", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=later(days=-1))),
        "pastRetention": expect_error(lambda: s3.put_object_retention(Bucket=B, Key="defaulted", VersionId=steps["config"]["defaultedVersion"], Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later(days=-1)})),
        "modeOnly": expect_error(lambda: s3.put_object(Bucket=B, Key="half", Body=b"x", ObjectLockMode="GOVERNANCE")),
        "badMode": expect_error(lambda: s3.put_object(Bucket=B, Key="half", Body=b"x", ObjectLockMode="FOREVER", ObjectLockRetainUntilDate=later(days=1))),
        "badHold": expect_error(lambda: s3.put_object(Bucket=B, Key="half", Body=b"x", ObjectLockLegalHoldStatus="MAYBE")),
        "bareLocked": expect_error(lambda: bare.put_object(Bucket=B, Key="bare2", Body=b"x", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=later(days=1))),
        "md5Locked": bool(bare.put_object(Bucket=B, Key="md5", Body=b"x", ContentMD5=base64.b64encode(hashlib.md5(b"x").digest()).decode(), ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=later(seconds=5))["VersionId"]),
    }


def expiry():
    v = put(B, "soon", ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=later(seconds=6))
    before = expect_error(lambda: s3.delete_object(Bucket=B, Key="soon", VersionId=v))
    time.sleep(7)
    s3.delete_object(Bucket=B, Key="soon", VersionId=v)
    return {"before": before, "after": expect_error(lambda: s3.head_object(Bucket=B, Key="soon", VersionId=v))}


def legal_hold():
    v = put(B, "held", ObjectLockLegalHoldStatus="ON")
    out = {
        "status": s3.get_object_legal_hold(Bucket=B, Key="held", VersionId=v)["LegalHold"]["Status"],
        "head": lock_of(B, "held", v),
        "delete": expect_error(lambda: s3.delete_object(Bucket=B, Key="held", VersionId=v, BypassGovernanceRetention=True)),
        "noHold": expect_error(lambda: s3.get_object_legal_hold(Bucket=B, Key="defaulted", VersionId=steps["config"]["defaultedVersion"])),
    }
    s3.put_object_legal_hold(Bucket=B, Key="held", VersionId=v, LegalHold={"Status": "OFF"})
    out["off"] = s3.get_object_legal_hold(Bucket=B, Key="held", VersionId=v)["LegalHold"]["Status"]
    s3.delete_object(Bucket=B, Key="held", VersionId=v)
    out["gone"] = expect_error(lambda: s3.head_object(Bucket=B, Key="held", VersionId=v))
    return out


def non_current():
    v1 = put(B, "nc", b"one")
    v2 = put(B, "nc", b"two")
    s3.put_object_retention(Bucket=B, Key="nc", VersionId=v1, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later(days=1)})
    s3.put_object_legal_hold(Bucket=B, Key="nc", VersionId=v1, LegalHold={"Status": "ON"})
    out = {
        "v1": lock_of(B, "nc", v1),
        "v2": lock_of(B, "nc", v2),
        "v2Retention": expect_error(lambda: s3.get_object_retention(Bucket=B, Key="nc", VersionId=v2)),
        "deleteV1": expect_error(lambda: s3.delete_object(Bucket=B, Key="nc", VersionId=v1, BypassGovernanceRetention=True)),
        "currentBody": s3.get_object(Bucket=B, Key="nc")["Body"].read().decode(),
    }
    # The current version's retention, set without a version id.
    s3.put_object_retention(Bucket=B, Key="nc", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later(days=1)})
    out["v2After"] = lock_of(B, "nc", v2)
    out["v1After"] = lock_of(B, "nc", v1)
    # Another gateway replica reads the same records from Swift.
    out["v1OtherReplica"] = lock_of(B, "nc", v1, via=nobypass)
    s3.delete_object(Bucket=B, Key="nc", VersionId=v2, BypassGovernanceRetention=True)
    # v1 is current again, with the lock it got while it was not.
    out["v1Current"] = lock_of(B, "nc")
    s3.put_object_legal_hold(Bucket=B, Key="nc", VersionId=v1, LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=B, Key="nc", VersionId=v1, BypassGovernanceRetention=True)
    return out


def multipart():
    until = later(days=1)
    up = s3.create_multipart_upload(Bucket=B, Key="mp", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until, ObjectLockLegalHoldStatus="ON")["UploadId"]
    p1 = s3.upload_part(Bucket=B, Key="mp", UploadId=up, PartNumber=1, Body=b"A" * (5 * MiB))["ETag"]
    p2 = s3.upload_part(Bucket=B, Key="mp", UploadId=up, PartNumber=2, Body=b"B")["ETag"]
    done = s3.complete_multipart_upload(Bucket=B, Key="mp", UploadId=up, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p1}, {"PartNumber": 2, "ETag": p2}]})
    v = done["VersionId"]
    return {
        "until": iso(until), "lock": lock_of(B, "mp", v),
        "delete": expect_error(lambda: s3.delete_object(Bucket=B, Key="mp", VersionId=v, BypassGovernanceRetention=True)),
        "size": s3.head_object(Bucket=B, Key="mp", VersionId=v)["ContentLength"],
        "versionId": v,
    }


def copy():
    src = steps["multipart"]["versionId"]
    plain = s3.copy_object(Bucket=B, Key="copy-plain", CopySource={"Bucket": B, "Key": "mp", "VersionId": src})["VersionId"]
    locked = s3.copy_object(Bucket=B, Key="copy-locked", CopySource={"Bucket": B, "Key": "mp", "VersionId": src}, ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=later(days=1))["VersionId"]
    return {"plain": lock_of(B, "copy-plain", plain), "locked": lock_of(B, "copy-locked", locked), "plainVersion": plain, "lockedVersion": locked}


def delete_objects():
    c = steps["copy"]
    free = put(B, "free")
    objects = [{"Key": "copy-locked", "VersionId": c["lockedVersion"]}, {"Key": "copy-plain", "VersionId": c["plainVersion"]}, {"Key": "free", "VersionId": free}, {"Key": "marker-me"}]
    r = s3.delete_objects(Bucket=B, Delete={"Objects": objects})
    again = s3.delete_objects(Bucket=B, Delete={"Objects": [{"Key": "copy-locked", "VersionId": c["lockedVersion"]}]}, BypassGovernanceRetention=True)
    return {
        "deleted": sorted([d["Key"], d.get("VersionId") is not None, bool(d.get("DeleteMarker"))] for d in r.get("Deleted", [])),
        "errors": [[e["Key"], e["Code"]] for e in r.get("Errors", [])],
        "bypassed": [d["Key"] for d in again.get("Deleted", [])],
        "bypassErrors": again.get("Errors", []),
    }


def concurrent_writers():
    until = later(days=1)

    def write(i):
        return put(B, "race", f"writer {i}".encode(), ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until)

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        versions = list(pool.map(write, range(8)))
    listed = [v["VersionId"] for v in s3.list_object_versions(Bucket=B, Prefix="race").get("Versions", []) if v["Key"] == "race"]
    return {
        "versions": len(set(versions)),
        "listed": sorted(listed) == sorted(set(versions)),
        "modes": sorted({lock_of(B, "race", v)["mode"] for v in versions}),
        "deletes": sorted({(expect_error(lambda v=v: s3.delete_object(Bucket=B, Key="race", VersionId=v)) or {}).get("code") for v in versions}),
    }


def delete_bucket():
    return {"error": expect_error(lambda: s3.delete_bucket(Bucket=B))}


def list_buckets():
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    return {"hidden": not any(n.startswith(B + "+") for n in names), "listed": B in names}


step("create", create)
step("plain", plain)
step("config", config)
step("governance", governance)
step("compliance", compliance)
step("dates", dates)
step("expiry", expiry)
step("legalHold", legal_hold)
step("nonCurrent", non_current)
step("multipart", multipart)
step("copy", copy)
step("deleteObjects", delete_objects)
step("concurrent", concurrent_writers)
step("deleteBucket", delete_bucket)
step("listBuckets", list_buckets)
print(json.dumps({"boto3": boto3.__version__, "buckets": buckets, "steps": steps}, default=str))
