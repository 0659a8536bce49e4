"""boto3 (default configuration: SigV4, path style) against the gateway's
SSE-S3, SSE-KMS and bucket default encryption, step by step.

Prints one JSON report: per step, what boto3 saw (or its error); the test
(sse-bucket-default.test.ts) checks it. The bucket is made by the test;
KMS_KEY_ID names a keyring key of the test gateway."""
import hashlib
import io
import json
import os

from boto3_steps import client, step, steps

bucket = os.environ["S3_BUCKET"]
kms_key = os.environ["KMS_KEY_ID"]
s3 = client()


def body(size):
    return bytes((i * 13 + 5) & 0xFF for i in range(size))


def sse_s3():
    data = body(70 * 1024 + 3)
    put = s3.put_object(Bucket=bucket, Key="boto/s3", Body=data, ServerSideEncryption="AES256")
    got = s3.get_object(Bucket=bucket, Key="boto/s3")
    head = s3.head_object(Bucket=bucket, Key="boto/s3")
    listed = [o for o in s3.list_objects_v2(Bucket=bucket, Prefix="boto/s3")["Contents"] if o["Key"] == "boto/s3"][0]
    md5 = '"%s"' % hashlib.md5(data).hexdigest()
    return {
        "same": got["Body"].read() == data, "putSse": put.get("ServerSideEncryption"), "getSse": got.get("ServerSideEncryption"),
        "headSse": head.get("ServerSideEncryption"), "etagIsMd5": put["ETag"] == md5 and head["ETag"] == md5 and listed["ETag"] == md5,
        "listedSize": listed["Size"] == len(data),
    }


def sse_kms():
    data = body(5000)
    put = s3.put_object(Bucket=bucket, Key="boto/kms", Body=data, ServerSideEncryption="aws:kms", SSEKMSKeyId=kms_key)
    got = s3.get_object(Bucket=bucket, Key="boto/kms", Range="bytes=100-199")
    head = s3.head_object(Bucket=bucket, Key="boto/kms")
    return {
        "range": got["Body"].read() == data[100:200], "putSse": put.get("ServerSideEncryption"), "putKey": put.get("SSEKMSKeyId"),
        "headKey": head.get("SSEKMSKeyId"), "etagIsMd5": put["ETag"] == '"%s"' % hashlib.md5(data).hexdigest(),
    }


def unset_default():
    s3.get_bucket_encryption(Bucket=bucket)


def set_default():
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": kms_key}, "BucketKeyEnabled": True}],
    })
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    # s3transfer's upload_fileobj (one PutObject below its multipart threshold) takes the bucket's default.
    s3.upload_fileobj(io.BytesIO(body(3000)), bucket, "boto/by-default")
    head = s3.head_object(Bucket=bucket, Key="boto/by-default")
    back = io.BytesIO()
    s3.download_fileobj(bucket, "boto/by-default", back)
    return {"rules": rules, "headSse": head.get("ServerSideEncryption"), "headKey": head.get("SSEKMSKeyId"),
            "bucketKey": head.get("BucketKeyEnabled"), "same": back.getvalue() == body(3000)}


def post_with_default():
    # A browser POST upload (generate_presigned_post) goes through PutObject: it takes the default too.
    import requests
    form = s3.generate_presigned_post(bucket, "boto/post", ExpiresIn=300)
    r = requests.post(form["url"], data=form["fields"], files={"file": ("f", b"posted body")})
    head = s3.head_object(Bucket=bucket, Key="boto/post")
    back = s3.get_object(Bucket=bucket, Key="boto/post")["Body"].read()
    return {"status": r.status_code, "headSse": head.get("ServerSideEncryption"), "same": back == b"posted body"}


def delete_default():
    s3.delete_bucket_encryption(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="boto/after-delete", Body=b"plain")
    head = s3.head_object(Bucket=bucket, Key="boto/after-delete")
    return {"headSse": head.get("ServerSideEncryption")}


step("put and get with SSE-S3", sse_s3)
step("put and get with SSE-KMS", sse_kms)
step("get_bucket_encryption of a bucket without one", unset_default)
step("put_bucket_encryption aws:kms, then objects without SSE arguments", set_default)
step("a browser POST upload into the bucket with a default", post_with_default)
step("delete_bucket_encryption", delete_default)
print(json.dumps({"steps": steps}))
