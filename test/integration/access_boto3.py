"""boto3 (default configuration: SigV4) against the gateway's access control,
as three parties: the owner (demo), a grantee (alt), and an anonymous client
(botocore's UNSIGNED). Path style, then every read again in virtual-host
style. Prints one JSON report of what each step saw; the test checks it."""
import json
import os

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint = os.environ["S3_ENDPOINT"]
bucket = os.environ["S3_BUCKET"]
grantee_project = os.environ["GRANTEE_PROJECT"]


def client(access, secret, style="path", signed=True):
    cfg = Config(s3={"addressing_style": style}, retries={"max_attempts": 1}, signature_version=None if signed else UNSIGNED)
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=access or "x", aws_secret_access_key=secret or "x",
                        region_name="us-east-1", config=cfg)


owner = client(os.environ["OWNER_ACCESS"], os.environ["OWNER_SECRET"])
grantee = client(os.environ["GRANTEE_ACCESS"], os.environ["GRANTEE_SECRET"])
anonymous = client(None, None, signed=False)
anonymous_vhost = client(None, None, style="virtual", signed=False)
steps = {}


def step(name, fn):
    try:
        steps[name] = {"ok": True, **(fn() or {})}
    except ClientError as e:
        steps[name] = {"ok": False, "code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}


def read(c, key):
    return {"body": c.get_object(Bucket=bucket, Key=key)["Body"].read().decode()}


def grants(acl):
    return sorted(
        f"{g['Grantee'].get('URI', g['Grantee'].get('ID'))}:{g['Permission']}" for g in acl["Grants"]
    )


step("create", lambda: owner.create_bucket(Bucket=bucket) and None)
step("put-public-object", lambda: owner.put_object(Bucket=bucket, Key="public.txt", Body=b"for everyone", ACL="public-read") and None)
step("put-private-object", lambda: owner.put_object(Bucket=bucket, Key="private.txt", Body=b"for the owner") and None)
step("object-acl", lambda: {"grants": grants(owner.get_object_acl(Bucket=bucket, Key="public.txt"))})
step("anonymous-public", lambda: read(anonymous, "public.txt"))
step("anonymous-public-vhost", lambda: read(anonymous_vhost, "public.txt"))
step("anonymous-private", lambda: read(anonymous, "private.txt"))
step("grantee-private-before", lambda: read(grantee, "private.txt"))

step("grant-read", lambda: owner.put_bucket_acl(Bucket=bucket, GrantRead=f'id="{grantee_project}"', GrantFullControl=f'id="{os.environ["OWNER_PROJECT"]}"') and None)
step("bucket-acl", lambda: {"grants": grants(owner.get_bucket_acl(Bucket=bucket))})
step("grantee-private-after", lambda: read(grantee, "private.txt"))
step("grantee-list", lambda: {"keys": [o["Key"] for o in grantee.list_objects_v2(Bucket=bucket).get("Contents", [])]})
step("grantee-write-refused", lambda: grantee.put_object(Bucket=bucket, Key="from-grantee", Body=b"x") and None)

policy = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{grantee_project}:root"},
        "Action": ["s3:PutObject"],
        "Resource": f"arn:aws:s3:::{bucket}/uploads/*",
    }],
}
step("put-policy", lambda: owner.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy)) and None)
step("get-policy", lambda: {"policy": json.loads(owner.get_bucket_policy(Bucket=bucket)["Policy"])})
step("policy-status", lambda: {"public": owner.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"]})
step("grantee-upload", lambda: grantee.put_object(Bucket=bucket, Key="uploads/report.csv", Body=b"a,b\n") and None)
step("grantee-upload-elsewhere", lambda: grantee.put_object(Bucket=bucket, Key="other/report.csv", Body=b"a,b\n") and None)
step("owner-reads-upload", lambda: read(owner, "uploads/report.csv"))

step("block-public", lambda: owner.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}) and None)
step("get-block", lambda: owner.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"])
step("anonymous-public-blocked", lambda: read(anonymous, "public.txt"))
step("public-acl-refused", lambda: owner.put_object_acl(Bucket=bucket, Key="private.txt", ACL="public-read") and None)
step("unblock", lambda: owner.delete_public_access_block(Bucket=bucket) and None)
step("anonymous-public-again", lambda: read(anonymous, "public.txt"))

step("ownership", lambda: owner.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}) and None)
step("get-ownership", lambda: {"rule": owner.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"][0]["ObjectOwnership"]})
step("delete-policy", lambda: owner.delete_bucket_policy(Bucket=bucket) and None)
step("no-policy", lambda: owner.get_bucket_policy(Bucket=bucket) and None)

print(json.dumps({"boto3": boto3.__version__, "steps": steps}))
