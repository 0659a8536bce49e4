// The gateway's own access decisions, made once per request before any Swift
// call, for what Swift's container ACLs cannot decide: the bucket policy
// (explicit Deny over Allow over the default), and anonymous writes to a
// bucket whose ACL gives AllUsers WRITE. Everything else Swift judges by the
// container ACLs, with the requester's own token (or none).
//
// When the gateway allows what Swift would refuse, it acts with its own
// identity (which the bucket's owner let in when setting the policy or ACL)
// and follows nothing into data the requester may not read: reads pass the
// object gate (no symlinks, foreign manifests or dynamic large objects), a
// copy's source must be one the policy lets the requester read in the same
// bucket, and DeleteObjects is judged key by key.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { ALL_USERS, decodeGrantList } from '../access/acl/index.js';
import type { PolicyCache } from '../access/policy-cache.js';
import { buildRequestContext, evaluatePolicy, policyActionsFor, resourceArn, type Requester as PolicyRequester } from '../access/policy/index.js';
import type { BucketRecord } from '../namespace/record.js';
import { objectGateFor } from '../operations/common/delegation.js';
import type { ObjectGate, Requester } from '../operations/context.js';
import { s3Error } from '../s3/errors.js';
import type { S3Request } from '../s3/request.js';

/** Operations on a bucket's policy that its owner can always do, so a Deny cannot lock the owner out (AWS: the account's root). */
const POLICY_OPERATIONS = new Set(['GetBucketPolicy', 'PutBucketPolicy', 'DeleteBucketPolicy']);

/** Writes an anonymous requester can make where AllUsers has WRITE (copies read a source, so they are not among them). */
const OBJECT_WRITES = new Set(['PutObject', 'PostObject', 'DeleteObject', 'DeleteObjects', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload', 'AbortMultipartUpload']);

export interface AccessInput {
  readonly req: S3Request;
  readonly operation: string;
  readonly incoming: IncomingMessage;
  readonly record?: BucketRecord;
  /** Undefined: the requester owns the bucket. */
  readonly bucketOwner?: unknown;
  readonly requester?: Requester;
  /** For a signed request: the requester's user, as policies can name it. */
  readonly user?: { readonly id: string; readonly name: string };
  readonly scheme?: 'sigv2' | 'sigv2-presigned' | 'sigv4' | 'sigv4-presigned';
  readonly policies: PolicyCache;
  readonly now: number;
}

export interface AccessOutcome {
  readonly policyDecision?: 'Allow' | 'Deny' | 'Default';
  /** Act as the gateway: the requester is let in by the gateway's own decision. */
  readonly asGateway: boolean;
  readonly objectGate?: ObjectGate;
  readonly permitsKey?: (key: string, versionId: string | undefined) => void;
}

const AUTH: Record<NonNullable<AccessInput['scheme']>, { type: 'REST-HEADER' | 'REST-QUERY-STRING'; signatureVersion: 'AWS' | 'AWS4-HMAC-SHA256' }> = {
  sigv2: { type: 'REST-HEADER', signatureVersion: 'AWS' },
  'sigv2-presigned': { type: 'REST-QUERY-STRING', signatureVersion: 'AWS' },
  sigv4: { type: 'REST-HEADER', signatureVersion: 'AWS4-HMAC-SHA256' },
  'sigv4-presigned': { type: 'REST-QUERY-STRING', signatureVersion: 'AWS4-HMAC-SHA256' },
};

function policyRequester(input: AccessInput): PolicyRequester {
  const r = input.requester;
  if (r === undefined || r.kind === 'anonymous') return { kind: 'anonymous' };
  return { kind: 'project', projectId: r.projectId, userId: input.user?.id, userName: input.user?.name };
}

/** Whether a bucket's ACL (as last set) gives everyone WRITE, and public ACLs are not ignored. */
function everyoneMayWrite(record: BucketRecord): boolean {
  const settings = record.settings;
  if (settings.publicAccessBlock?.IgnorePublicAcls || !settings.acl) return false;
  const grants = decodeGrantList(settings.acl, record.owner.id) ?? [];
  return grants.some((g) => g.grantee.type === 'Group' && g.grantee.uri === ALL_USERS && (g.permission === 'WRITE' || g.permission === 'FULL_CONTROL'));
}

export function decideAccess(input: AccessInput): AccessOutcome {
  const { req, operation, record } = input;
  const owner = input.bucketOwner === undefined;
  const text = record?.settings.policy;
  if (record === undefined || req.bucket === undefined) return { asGateway: false };
  if (text === undefined) {
    if (!owner && input.requester?.kind === 'anonymous' && OBJECT_WRITES.has(operation) && everyoneMayWrite(record)) {
      return { asGateway: true };
    }
    return { asGateway: false };
  }
  const policy = input.policies.get(req.bucket, text);
  const requester = policyRequester(input);
  const restrict = record.settings.publicAccessBlock?.RestrictPublicBuckets ? { restrictPublicBuckets: { ownerProjectId: record.owner.id } } : {};
  const context = buildRequestContext({
    requester,
    sourceIp: input.incoming.socket.remoteAddress,
    secureTransport: Boolean((input.incoming.socket as TLSSocket).encrypted),
    now: new Date(input.now),
    headers: req.headers,
    query: req.query,
    auth: input.scheme && AUTH[input.scheme],
  });
  const judge = (actions: readonly string[], resource: string) => evaluatePolicy(policy, { requester, actions, resource, context }, restrict);
  const bucket = req.bucket;
  if (operation === 'DeleteObjects' && !owner) {
    // Judged key by key; acting as the gateway, a key the policy does not
    // allow (Deny or no statement) is not deleted.
    if (!record.settings.delegatedWrites) return { asGateway: false };
    return {
      asGateway: true,
      permitsKey: (key, versionId) => {
        if (judge([versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion'], resourceArn(bucket, key)) !== 'Allow') throw s3Error('AccessDenied', { Key: key });
      },
    };
  }
  const decision = judge(policyActionsFor(operation, req.query, req.headers), resourceArn(bucket, req.key));
  if (decision === 'Deny' && !(owner && POLICY_OPERATIONS.has(operation))) {
    throw s3Error('AccessDenied', {}, 'Access Denied: the bucket policy denies this request.');
  }
  if (decision !== 'Allow' || owner || !record.settings.delegatedWrites) return { policyDecision: decision, asGateway: false };
  // A copy acts on its source too: only one in this bucket the policy lets this requester read.
  const source = req.headers['x-amz-copy-source'];
  if (source !== undefined) {
    const path = decodeURIComponent(source.split('?')[0]!.replace(/^\//, ''));
    const [sourceBucket, ...rest] = path.split('/');
    const versioned = /[?&]versionId=/.test(source);
    if (sourceBucket !== bucket || judge([versioned ? 's3:GetObjectVersion' : 's3:GetObject'], resourceArn(bucket, rest.join('/'))) !== 'Allow') {
      throw s3Error('AccessDenied', {}, 'Access Denied: the bucket policy does not let you read the copy source.');
    }
  }
  return { policyDecision: decision, asGateway: true, objectGate: objectGateFor('policy') };
}
