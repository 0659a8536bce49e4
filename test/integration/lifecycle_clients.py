# Lifecycle through boto3: the configuration (both the current and the
# legacy call), x-amz-expiration on PutObject/HeadObject/GetObject, and its
# removal. Prints one JSON document of what it saw.
import json
import os

import boto3
from botocore.config import Config

s3 = boto3.client("s3", endpoint_url=os.environ["E"], aws_access_key_id=os.environ["A"], aws_secret_access_key=os.environ["S"],
                  region_name="us-east-1", config=Config(s3={"addressing_style": "path"}))
b = os.environ["B"]
out = {}
s3.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={"Rules": [
    {"ID": "tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 1}},
    {"ID": "uploads", "Filter": {}, "Status": "Enabled", "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 3},
     "NoncurrentVersionExpiration": {"NoncurrentDays": 4, "NewerNoncurrentVersions": 2}},
]})
got = s3.get_bucket_lifecycle_configuration(Bucket=b)
out["rules"] = got["Rules"]
out["minimum"] = got.get("TransitionDefaultMinimumObjectSize")
out["put"] = s3.put_object(Bucket=b, Key="tmp/a", Body=b"x").get("Expiration")
out["head"] = s3.head_object(Bucket=b, Key="tmp/a").get("Expiration")
out["get"] = s3.get_object(Bucket=b, Key="tmp/a").get("Expiration")
out["other"] = s3.put_object(Bucket=b, Key="keep/a", Body=b"x").get("Expiration")
try:
    s3.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={"Rules": [{"ID": "bad", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 0}}]})
    out["bad"] = "accepted"
except s3.exceptions.ClientError as e:
    out["bad"] = e.response["Error"]["Code"]
# The legacy call: a Prefix beside the actions.
s3.put_bucket_lifecycle(Bucket=b, LifecycleConfiguration={"Rules": [{"ID": "old", "Prefix": "old/", "Status": "Enabled", "Expiration": {"Days": 2}}]})
out["legacy"] = s3.get_bucket_lifecycle(Bucket=b)["Rules"]
s3.delete_bucket_lifecycle(Bucket=b)
try:
    s3.get_bucket_lifecycle_configuration(Bucket=b)
    out["after"] = "present"
except s3.exceptions.ClientError as e:
    out["after"] = e.response["Error"]["Code"]
print(json.dumps(out))
