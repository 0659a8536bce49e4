"""boto3 through the gateway: flexible checksums on single and multipart
uploads, for every algorithm and checksum type, signed with SigV4 and SigV2,
of known and unknown length. Prints one JSON report; the test checks it."""
import base64
import hashlib
import io
import json
import os
import zlib

import boto3
import botocore
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

endpoint = os.environ["S3_ENDPOINT"]
bucket = os.environ["S3_BUCKET"]
signature = os.environ.get("S3_SIGNATURE", "s3v4")
s3 = boto3.client(
    "s3",
    endpoint_url=endpoint,
    aws_access_key_id=os.environ["S3_ACCESS_KEY"],
    aws_secret_access_key=os.environ["S3_SECRET_KEY"],
    region_name="us-east-1",
    config=Config(s3={"addressing_style": "path"}, signature_version=signature),
)
steps = {}
MIB = 1024 * 1024
s3.create_bucket(Bucket=bucket)


def step(name, fn):
    try:
        steps[name] = {"ok": True, **(fn() or {})}
    except botocore.exceptions.ClientError as e:
        steps[name] = {"ok": False, "error": {"code": e.response["Error"].get("Code"), "message": str(e)}}
    except Exception as e:  # noqa: BLE001 - report everything
        steps[name] = {"ok": False, "error": {"type": type(e).__name__, "message": str(e)}}


def b64(raw):
    return base64.b64encode(raw).decode()


def crc32(data):
    return b64(zlib.crc32(data).to_bytes(4, "big"))


def sha256(data):
    return b64(hashlib.sha256(data).digest())


data = os.urandom(11 * MIB + 12345)
parts = [data[i:i + 5 * MIB] for i in range(0, len(data), 5 * MIB)]


def checksum_of(algorithm, chunk):
    if algorithm == "CRC32":
        return crc32(chunk)
    return b64(hashlib.new(algorithm.lower(), chunk).digest())


def multipart(algorithm, ctype):
    key = f"mp-{algorithm}-{ctype}"
    create = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm=algorithm, ChecksumType=ctype)
    uid = create["UploadId"]
    done = []
    for n, chunk in enumerate(parts, 1):
        r = s3.upload_part(Bucket=bucket, Key=key, UploadId=uid, PartNumber=n, Body=chunk, ChecksumAlgorithm=algorithm)
        done.append({"PartNumber": n, "ETag": r["ETag"], f"Checksum{algorithm}": r[f"Checksum{algorithm}"]})
    listed = s3.list_parts(Bucket=bucket, Key=key, UploadId=uid)
    extra = {}
    if ctype == "FULL_OBJECT":
        extra = {f"Checksum{algorithm}": checksum_of(algorithm, data), "ChecksumType": "FULL_OBJECT"}
    complete = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=uid, MultipartUpload={"Parts": done}, **extra)
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    got = s3.get_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    body = got["Body"].read()
    attrs = s3.get_object_attributes(Bucket=bucket, Key=key, ObjectAttributes=["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"], MaxParts=2)
    return {
        "createAlgorithm": create.get("ChecksumAlgorithm"), "createType": create.get("ChecksumType"),
        "partChecksums": [p[f"Checksum{algorithm}"] for p in done],
        "listedChecksums": [p.get(f"Checksum{algorithm}") for p in listed["Parts"]],
        "listedAlgorithm": listed.get("ChecksumAlgorithm"), "listedType": listed.get("ChecksumType"),
        "expectedParts": [checksum_of(algorithm, p) for p in parts],
        "complete": complete.get(f"Checksum{algorithm}"), "completeType": complete.get("ChecksumType"),
        "head": head.get(f"Checksum{algorithm}"), "headType": head.get("ChecksumType"),
        "get": got.get(f"Checksum{algorithm}"), "equal": body == data,
        "full": checksum_of(algorithm, data),
        "attrs": {k: attrs.get(k) for k in ("ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize")},
        "etag": head["ETag"],
    }


# botocore computes CRC32C and CRC64NVME only with awscrt, which is not
# installed here: those two are driven by the AWS SDK for JavaScript v3.
ALGORITHMS = ["CRC32", "SHA1", "SHA256"]
for algorithm, ctype in [("CRC32", "COMPOSITE"), ("CRC32", "FULL_OBJECT"), ("SHA1", "COMPOSITE"), ("SHA256", "COMPOSITE")]:
    step(f"multipart {algorithm} {ctype}", lambda a=algorithm, t=ctype: multipart(a, t))


def single(algorithm):
    key = f"single-{algorithm}"
    put = s3.put_object(Bucket=bucket, Key=key, Body=data[:100000], ChecksumAlgorithm=algorithm)
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    attrs = s3.get_object_attributes(Bucket=bucket, Key=key, ObjectAttributes=["Checksum", "ObjectSize", "ETag"])
    return {"put": put.get(f"Checksum{algorithm}"), "head": head.get(f"Checksum{algorithm}"), "expected": checksum_of(algorithm, data[:100000]),
            "attrs": {k: attrs.get(k) for k in ("ETag", "Checksum", "ObjectSize")}, "etag": head["ETag"]}


for algorithm in ALGORITHMS:
    step(f"single {algorithm}", lambda a=algorithm: single(a))


class Unseekable(io.RawIOBase):
    """A stream of unknown length: no seek, no tell, no len (s3transfer then reads it in parts)."""

    def __init__(self, raw):
        self._buf = io.BytesIO(raw)

    def readable(self):
        return True

    def readinto(self, b):
        chunk = self._buf.read(len(b))
        b[:len(chunk)] = chunk
        return len(chunk)


def transfer(algorithm, known):
    key = f"transfer-{algorithm}-{'known' if known else 'unknown'}"
    cfg = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    source = io.BytesIO(data) if known else Unseekable(data)
    s3.upload_fileobj(source, bucket, key, ExtraArgs={"ChecksumAlgorithm": algorithm}, Config=cfg)
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    return {"equal": body == data, "checksum": head.get(f"Checksum{algorithm}"), "type": head.get("ChecksumType"), "full": checksum_of(algorithm, data)}


for algorithm in ALGORITHMS:
    for known in (True, False):
        step(f"transfer {algorithm} {'known' if known else 'unknown'}", lambda a=algorithm, k=known: transfer(a, k))


def bad_complete():
    key = "bad-complete"
    uid = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")["UploadId"]
    r = s3.upload_part(Bucket=bucket, Key=key, UploadId=uid, PartNumber=1, Body=b"abc", ChecksumAlgorithm="CRC32")
    try:
        s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=uid, ChecksumCRC32=crc32(b"abd"), ChecksumType="FULL_OBJECT",
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]}]})
        return {"code": None}
    except botocore.exceptions.ClientError as e:
        return {"code": e.response["Error"]["Code"]}


step("complete with a wrong full-object checksum", bad_complete)


def wrong_part_checksum():
    key = "bad-part"
    uid = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm="SHA256")["UploadId"]
    r = s3.upload_part(Bucket=bucket, Key=key, UploadId=uid, PartNumber=1, Body=b"abc", ChecksumAlgorithm="SHA256")
    try:
        s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=uid,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": r["ETag"], "ChecksumSHA256": sha256(b"abd")}]})
        return {"code": None}
    except botocore.exceptions.ClientError as e:
        return {"code": e.response["Error"]["Code"]}


step("complete naming a part with a wrong checksum", wrong_part_checksum)


def mismatched_part():
    key = "mismatch-part"
    uid = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm="CRC32C")["UploadId"]
    try:
        s3.upload_part(Bucket=bucket, Key=key, UploadId=uid, PartNumber=1, Body=b"abc", ChecksumAlgorithm="SHA1")
        return {"code": None}
    except botocore.exceptions.ClientError as e:
        return {"code": e.response["Error"]["Code"]}


step("upload part with another algorithm", mismatched_part)

print(json.dumps({"boto3": boto3.__version__, "signature": signature, "steps": steps}))
