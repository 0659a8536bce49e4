// The request context a policy's conditions read: which condition keys a
// request carries, with what values, built from what the gateway knows of it.
// A key the request does not have is left out, so conditions on it behave as
// IAM says for absent keys.
// Global keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
// S3 keys: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html#amazons3-policy-keys
import type { RequestHeaders } from './actions.js';
import type { RequestContext } from './condition-eval.js';
import type { Requester } from './principal.js';

export interface ContextInput {
  readonly requester: Requester;
  /** The client's address as the socket reports it (`::ffff:a.b.c.d` is fine). */
  readonly sourceIp?: string;
  /** Whether the request came over TLS (aws:SecureTransport). */
  readonly secureTransport: boolean;
  /** The gateway's clock (aws:CurrentTime, aws:EpochTime). */
  readonly now: Date;
  /** Request headers, lower-case names. */
  readonly headers: RequestHeaders;
  /** Decoded query parameters. */
  readonly query: { get(name: string): string | undefined };
  /** How the request was signed: s3:authType and s3:signatureversion. Absent for anonymous requests. */
  readonly auth?: { readonly type: 'REST-HEADER' | 'REST-QUERY-STRING' | 'POST'; readonly signatureVersion: 'AWS' | 'AWS4-HMAC-SHA256' };
  /** Tags of the object the request acts on (s3:ExistingObjectTag/<key>), once the gateway keeps tags. */
  readonly existingObjectTags?: Readonly<Record<string, string>>;
}

/** `arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/key`: the resource a policy's Resource patterns match. */
export function resourceArn(bucket: string, key?: string): string {
  return key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
}

/** Headers S3 exposes as condition keys under their own name (`s3:x-amz-acl`). */
const HEADER_KEYS = [
  'x-amz-acl', 'x-amz-grant-read', 'x-amz-grant-write', 'x-amz-grant-read-acp', 'x-amz-grant-write-acp',
  'x-amz-grant-full-control', 'x-amz-copy-source', 'x-amz-metadata-directive', 'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id', 'x-amz-server-side-encryption-customer-algorithm',
  'x-amz-storage-class', 'x-amz-website-redirect-location', 'x-amz-content-sha256', 'x-amz-object-ownership',
];

/** Object Lock headers and their keys. */
const LOCK_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['x-amz-object-lock-mode', 's3:object-lock-mode'],
  ['x-amz-object-lock-retain-until-date', 's3:object-lock-retain-until-date'],
  ['x-amz-object-lock-legal-hold', 's3:object-lock-legal-hold'],
];

/** Listing parameters: s3:prefix, s3:delimiter, s3:max-keys (present only when the request gives them). */
const QUERY_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['prefix', 's3:prefix'], ['delimiter', 's3:delimiter'], ['max-keys', 's3:max-keys'], ['versionId', 's3:versionid'],
];

export function buildRequestContext(input: ContextInput): RequestContext {
  const context: Record<string, string | readonly string[]> = Object.create(null);
  const set = (key: string, value: string | undefined): void => {
    if (value !== undefined) context[key] = value;
  };
  set('aws:sourceip', input.sourceIp);
  set('aws:securetransport', input.secureTransport ? 'true' : 'false');
  // ISO 8601 without milliseconds, as AWS gives aws:CurrentTime.
  set('aws:currenttime', input.now.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  set('aws:epochtime', String(Math.floor(input.now.getTime() / 1000)));
  set('aws:referer', input.headers['referer']);
  set('aws:useragent', input.headers['user-agent']);
  addPrincipalKeys(input.requester, set);
  if (input.auth) {
    set('s3:authtype', input.auth.type);
    set('s3:signatureversion', input.auth.signatureVersion);
  }
  for (const header of HEADER_KEYS) set(`s3:${header}`, input.headers[header]);
  for (const [header, key] of LOCK_KEYS) set(key, input.headers[header]);
  for (const [name, key] of QUERY_KEYS) set(key, input.query.get(name));
  const tagging = input.headers['x-amz-tagging'];
  if (tagging !== undefined) {
    const tags = new URLSearchParams(tagging);
    for (const [key, value] of tags) set(`s3:requestobjecttag/${key}`, value);
    context['s3:requestobjecttagkeys'] = [...new Set(tags.keys())];
  }
  for (const [key, value] of Object.entries(input.existingObjectTags ?? {})) set(`s3:existingobjecttag/${key}`, value);
  return context;
}

/**
 * aws:PrincipalAccount (the project), aws:PrincipalType, aws:userid,
 * aws:username, aws:PrincipalArn; an anonymous request has only
 * aws:PrincipalType "Anonymous".
 */
function addPrincipalKeys(requester: Requester, set: (key: string, value: string | undefined) => void): void {
  if (requester.kind === 'anonymous') {
    set('aws:principaltype', 'Anonymous');
    return;
  }
  const user = requester.userName ?? requester.userId;
  set('aws:principalaccount', requester.projectId);
  set('aws:principaltype', user === undefined ? 'Account' : 'User');
  set('aws:userid', requester.userId ?? requester.projectId);
  set('aws:username', requester.userName);
  set('aws:principalarn', user === undefined ? `arn:aws:iam::${requester.projectId}:root` : `arn:aws:iam::${requester.projectId}:user/${user}`);
}
