"""aws CLI v1 plugin (test-only): every botocore client signs with SigV2.

botocore 1.43 resolves the signer for S3 from its endpoint ruleset, which only
honours a signature version given in code (Config(signature_version=...)); the
config file's `s3 = signature_version = s3` is ignored for requests, so the aws
CLI v1 signs with SigV4 whatever that file says. This plugin sets the session's
default client config, which botocore merges into every client the CLI creates.
Loaded from the test's AWS_CONFIG_FILE: `[plugins] sigv2 = awscli_sigv2`, with
this directory on PYTHONPATH.
"""
from botocore.config import Config


def _use_sigv2(session, **_):
    session.set_default_client_config(Config(signature_version="s3", s3={"addressing_style": "path"}))


def awscli_initialize(cli):
    cli.register("session-initialized", _use_sigv2)
