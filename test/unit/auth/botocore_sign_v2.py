#!/usr/bin/env python3
"""Test oracle: signs S3 requests with botocore's HmacV1Auth (Signature Version 2).

Reads a JSON list of cases on stdin, each
  {"method", "url", "headers": [[name, value], ...], "date", "authPath"?,
   "accessKey", "secretKey"}
and prints a JSON list with, for each case, the Authorization header botocore
computes and the string it signed. `url` is the URL exactly as the client sends
it (already percent-encoded); botocore signs `urlsplit(url).path` as it is, or
`authPath` when given (botocore's virtual-host addressing passes the
`/bucket/key` path that way).

The only thing overridden is the Date botocore would take from the clock, so
the result is deterministic.
"""
import json
import sys
from urllib.parse import urlsplit

from botocore.auth import HmacV1Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class FixedDateHmacV1Auth(HmacV1Auth):
    def __init__(self, credentials, date):
        super().__init__(credentials)
        self._fixed_date = date

    def _get_date(self):
        return self._fixed_date


def sign(case):
    request = AWSRequest(method=case["method"], url=case["url"])
    for name, value in case.get("headers", []):
        # HTTPHeaders keeps repeated assignments as repeated headers.
        request.headers[name] = value
    request.auth_path = case.get("authPath")
    auth = FixedDateHmacV1Auth(
        Credentials(case["accessKey"], case["secretKey"]), case["date"]
    )
    string_to_sign = auth.canonical_string(
        request.method,
        urlsplit(request.url),
        request.headers,
        auth_path=request.auth_path,
    )
    auth.add_auth(request)
    return {
        "authorization": request.headers["Authorization"],
        "date": request.headers["Date"],
        "stringToSign": string_to_sign,
    }


def main():
    cases = json.load(sys.stdin)
    json.dump([sign(case) for case in cases], sys.stdout)


if __name__ == "__main__":
    main()
