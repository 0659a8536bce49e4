// Where a request acts in Swift, and as whom: a signed request with its own
// identity (in its own account, or with its own token on another project's
// bucket, where Swift judges by that container's ACLs), an anonymous one with
// no token; and the one case the gateway reads as itself after Swift refused:
// an object ACL that may admit the reader (see operations/common/delegation.ts).
import { authorize, type AccessPolicy } from '../credentials/authorize.js';
import { requesterNamespace, type Namespace } from '../namespace/index.js';
import type { BucketOwnerInfo, BucketRecord } from '../namespace/record.js';
import type { BucketNamespace, OperationContext, Requester } from '../operations/context.js';
import { isS3Error, s3Error } from '../s3/errors.js';
import type { S3Request } from '../s3/request.js';
import type { SwiftSession, TransactionSink } from '../swift/client.js';
import { SwiftError } from '../swift/errors.js';
import type { SwiftIdentity } from '../swift/keystone.js';
import { SwiftStore } from '../swift/store.js';
import type { PipelineDeps } from './pipeline.js';

const DEFAULT_ACCESS: AccessPolicy = { operatorRoles: ['member', 'admin'], readerRoles: ['reader'] };

/** Reads an object ACL can allow beyond the bucket's own ACLs, and the permission each needs. */
const GATED_READS: Readonly<Record<string, 'READ' | 'READ_ACP'>> = { GetObject: 'READ', HeadObject: 'READ', GetObjectAcl: 'READ_ACP' };

/**
 * Whether a refused read may be tried as the gateway: another project's or an
 * anonymous read (no body to resend) of a bucket whose owner let the gateway
 * read it, refused by Swift itself.
 */
export function gatedRetry(err: unknown, operation: string, reach: Reach): { account: string; permission: 'READ' | 'READ_ACP' } | undefined {
  const permission = GATED_READS[operation];
  const record = reach.bucketRecord;
  if (!permission || reach.bucketOwner === undefined || !record?.settings.delegatedReads) return undefined;
  if (!isS3Error(err) || err.code !== 'AccessDenied' || !(err.cause instanceof SwiftError) || ![401, 403].includes(err.cause.status)) return undefined;
  return { account: record.account, permission };
}

/** Where a request acts in Swift, and as whom. */
export interface Reach {
  readonly swift: SwiftSession;
  readonly requester?: Requester;
  /** A signed requester's Keystone user (policies may name it). */
  readonly user?: { readonly id: string; readonly name: string };
  readonly bucketRecord?: BucketRecord;
  /** Where another bucket the request names (a copy source) lives, for a signed requester. */
  readonly otherAccount?: OperationContext['otherAccount'];
  /** The bucket's owner when it is not the requester. */
  readonly bucketOwner?: BucketOwnerInfo;
  readonly namespace?: BucketNamespace;
}

/**
 * A signed request acts with its own identity: in its own account, or, for
 * another project's bucket (global namespace), in that account with its own
 * token, where Swift grants exactly what the container's ACLs give it.
 */
export async function signedReach(req: S3Request, operation: string, identity: SwiftIdentity, method: string, deps: PipelineDeps, sink: TransactionSink): Promise<Reach> {
  const own = deps.swift.session(identity, sink);
  // An EC2 key's roles are those of its user's token (fetched here, then cached).
  const ec2Token = identity.kind === 'ec2' ? await own.account() : undefined;
  if (ec2Token) authorize(ec2Token.roles, method, operation, deps.access ?? DEFAULT_ACCESS);
  const ns = deps.namespace;
  if (ns === undefined || req.bucket === undefined) return { swift: own };
  const token = ec2Token ?? own.accountNow?.() ?? (await own.account());
  const account = ns.accountOf(token.storageUrl);
  const owner = { id: token.projectId, displayName: token.userName };
  const requester: Requester = { kind: 'project', projectId: token.projectId };
  const user = { id: token.userId, name: token.userName };
  const resident = () => ({ account, owner, store: new SwiftStore(own, deps.seal) });
  // The account the request acts on is the bucket's: a copy source elsewhere
  // is read there with the requester's own token.
  const otherAccountFrom = (acting: string): OperationContext['otherAccount'] => async (bucket) => {
    const home = await ns.resolver.resolve(bucket, resident());
    const where = home.kind === 'foreign' ? home.record.account : account;
    if (where === acting) return undefined;
    return { account: where, store: new SwiftStore(deps.swift.session(identity, sink, where === account ? undefined : where), deps.seal) };
  };
  // Made when an operation asks for it (CreateBucket, DeleteBucket, settings): most never do.
  let namespace: BucketNamespace | undefined;
  const mine = (bucketRecord: BucketRecord | undefined): Reach => ({
    swift: own, requester, user, bucketRecord,
    get otherAccount() { return otherAccountFrom(account); },
    get namespace() { return (namespace ??= requesterNamespace(ns.registry, ns.resolver, { account, owner }, deps.now)); },
  });
  if (operation === 'CreateBucket') return mine(undefined);
  // The hot path, a bucket of the requester's own whose entry this replica
  // read recently, costs no promise; everything else asks the resolver.
  const known = ns.registry.peek(req.bucket);
  if (known?.account === account) return mine(known);
  const home = await ns.resolver.resolve(req.bucket, resident());
  if (home.kind !== 'foreign') return mine(home.kind === 'own' ? home.record : undefined);
  return {
    swift: deps.swift.session(identity, sink, home.record.account), bucketOwner: home.record.owner, requester, user, bucketRecord: home.record,
    otherAccount: otherAccountFrom(home.record.account),
  };
}

/** An anonymous request reaches a registered bucket with no token: Swift lets through what the ACLs give everyone. */
export async function anonymousReach(req: S3Request, operation: string, ns: Namespace, deps: PipelineDeps, sink: TransactionSink): Promise<Reach> {
  if (req.bucket === undefined || operation === 'CreateBucket') {
    throw s3Error('AccessDenied', {}, 'Anonymous users cannot list or create buckets; sign the request.');
  }
  const home = await ns.resolver.resolve(req.bucket, undefined);
  if (home.kind !== 'foreign') throw s3Error('NoSuchBucket', { BucketName: req.bucket });
  return { swift: deps.swift.anonymousSession(ns.storageUrl, home.record.account, sink), bucketOwner: home.record.owner, requester: { kind: 'anonymous' }, bucketRecord: home.record };
}

