// What every operation handler receives. Handlers never see Hono, env or
// sockets, and reach Swift only through the typed layer (ctx.store).
import type { Readable } from 'node:stream';
import type { ChecksumAlgorithm } from '../s3/checksums.js';
import type { Dialect } from '../s3/dialect.js';
import type { S3Request } from '../s3/request.js';
import type { ObjectInfo, SwiftStore } from '../swift/store.js';
import type { KnownContainers } from './common/segments.js';
import type { BucketLocks } from './lock/bucket-config.js';
import type { BucketPolicies } from './storage/bucket-class.js';
import type { BucketOwnerInfo, BucketRecord, BucketSettings } from '../namespace/record.js';
import type { StorageClasses } from '../s3/storage-class.js';
import type { KeyProvider } from '../kms/provider.js';

/** s3.storageClasses resolved against the cluster's policies, and the per-app cache of bucket policies. */
export interface StorageSettings {
  readonly classes: StorageClasses;
  /** Which Swift policy each bucket's container is in (a container's policy never changes). */
  readonly bucketPolicies: BucketPolicies;
}

/** Server-side encryption for one request (operations/encryption/): SSE-C's settings, and the key providers of SSE-S3/SSE-KMS. */
export interface SseSettings {
  /** HMAC key of the stored digests of customer keys, derived from the integrity secret (crypto/wrap.ts). */
  readonly digestKey: Buffer;
  /** Whether this request may carry a customer key: it came over TLS, or encryption.customerKeysOverHttp. */
  readonly customerKeysAllowed: boolean;
  /** The key providers (src/kms/) of SSE-S3 and SSE-KMS; one absent: that mode is NotImplemented. */
  readonly providers?: { readonly sseS3?: KeyProvider; readonly kms?: KeyProvider };
}

/** Object Lock settings and state of one app (s3.objectLock.*). */
export interface ObjectLockSettings {
  /** Keystone roles whose keys may bypass GOVERNANCE retention with x-amz-bypass-governance-retention. */
  readonly bypassGovernanceRoles: readonly string[];
  /** Bucket lock configurations, briefly cached. */
  readonly bucketLocks: BucketLocks;
}

/**
 * The global bucket namespace (namespace.mode global), as this request's
 * requester sees it; absent in mode account, where every project has its own names.
 */
export interface BucketNamespace {
  /** Registers a name for the requester: 'claimed' (it was free), 'ours' (already the requester's), 'taken' (another account's). */
  claim(bucket: string): Promise<'claimed' | 'ours' | 'taken'>;
  /** Frees a name of the requester's (its container was deleted). */
  release(bucket: string): Promise<void>;
  /** Changes the settings kept for a bucket of the requester's; false when it is not registered to them. */
  updateSettings(bucket: string, change: (settings: BucketSettings) => BucketSettings): Promise<boolean>;
}

export interface Limits {
  /** Largest single PUT (Swift's max_file_size; AWS: 5 GiB). */
  readonly maxObjectSize: number;
  /** S3 keys are at most 1024 UTF-8 bytes. */
  readonly maxKeyBytes: number;
  /** Cap for the small configuration documents the gateway reads (CreateBucketConfiguration, AccessControlPolicy). */
  readonly maxXmlBodyBytes: number;
  /** A CompleteMultipartUpload still working after this long answers 200 and keeps the connection alive. */
  readonly slowAnswerAfterMs: number;
  /** The smallest part but the last (S3: 5 MiB); only tests lower it, to make uploads of thousands of parts. */
  readonly minPartSize?: number;
  /**
   * Single PUTs of at least this many bytes are staged (object/staged-put.ts),
   * so of overlapping writes the one that completes last wins, as in S3
   * (s3.stagedPutFromBytes); undefined: none is.
   */
  readonly stagedPutFrom?: number;
}

export interface OperationContext {
  readonly req: S3Request;
  /** Swift for this request's identity: one typed method per Swift call. */
  readonly store: SwiftStore;
  readonly dialect: Dialect;
  /** The request body, unread: already decoded (aws-chunked) and verified as it streams. */
  readonly body: Readable;
  /** Length of the decoded body when it differs from Content-Length (x-amz-decoded-content-length). */
  readonly decodedLength?: number;
  /** The flexible checksum the request declared; its value is verified, known at once or once the body has ended. */
  readonly checksum?: { readonly algorithm: ChecksumAlgorithm; value(): string | undefined };
  readonly limits: Limits;
  /** Regions this gateway answers for (GetBucketLocation, CreateBucket's LocationConstraint). */
  readonly region: string;
  /** Regions SigV4 clients may sign for (s3.acceptedRegions): CreateBucket accepts them as LocationConstraint. */
  readonly acceptedRegions: readonly string[];
  /** Which buckets have a segments container (per app, shared by its requests). */
  readonly segmentsContainers: KnownContainers;
  /** The global bucket namespace; undefined in namespace.mode account (and for anonymous requests). */
  readonly namespace?: BucketNamespace;
  /** The bucket's owner when it is not the requester (another project's bucket, or an anonymous request). */
  readonly bucketOwner?: BucketOwnerInfo;
  /** The registry's entry for the request's bucket, when it has one (global namespace). */
  readonly bucketRecord?: BucketRecord;
  /** Who asks: anonymous, or a project (undefined in namespace.mode account, where only owners reach buckets). */
  readonly requester?: Requester;
  /** The gateway's own `<project>:<user>`, as container ACLs name it (global namespace). */
  readonly delegate?: string;
  /**
   * Set when the store acts with the gateway's own token for a reader Swift
   * refused (an object ACL may let it in): every object read must pass it
   * before anything of the object is answered (common/delegation.ts).
   */
  readonly objectGate?: ObjectGate;
  /** What the bucket's policy said of this request (undefined: the bucket has none). */
  readonly policyDecision?: 'Allow' | 'Deny' | 'Default';
  /**
   * For a copy source in another account than the one the request acts on
   * (global namespace): that account, and Swift there as the requester
   * itself, so Swift judges the read by that bucket's ACLs. Undefined: the
   * same account.
   */
  readonly otherAccount?: (bucket: string) => Promise<{ readonly account: string; readonly store: SwiftStore } | undefined>;
  /** Throws AccessDenied for a key (DeleteObjects) the bucket policy does not let this requester delete. */
  readonly permitsKey?: (key: string, versionId: string | undefined) => void;
  /** Unset: the operator roles' defaults (member, admin) may bypass, nothing is cached. */
  readonly objectLock?: ObjectLockSettings;
  /** A browser upload (PostObject): the form's answer fields. Its policy and signature were checked before the operation. */
  readonly postForm?: PostFormInfo;
  /** Storage classes on Swift storage policies (unset: STANDARD only, no lookups). */
  readonly storage?: StorageSettings;
  /** Server-side encryption settings (unset: SSE-C headers are NotImplemented, and so are SSE-S3/SSE-KMS). */
  readonly sse?: SseSettings;
}

/** What a browser upload's form asks of the answer (PostObject). */
export interface PostFormInfo {
  /** success_action_status: 200 or 204 (empty, the default) or 201 (a PostResponse document). */
  readonly successStatus?: string;
  /** success_action_redirect (or the older `redirect`): 303 to it, with bucket, key and etag. */
  readonly redirect?: string;
}

export type ObjectGate = (ctx: OperationContext, info: ObjectInfo) => Promise<void>;

export type Requester = { readonly kind: 'anonymous' } | { readonly kind: 'project'; readonly projectId: string };

export const DEFAULT_LIMITS: Limits = {
  maxObjectSize: 5 * 1024 ** 3,
  maxKeyBytes: 1024,
  maxXmlBodyBytes: 64 * 1024,
  slowAnswerAfterMs: 2_000,
};
