// One bucket's entry in the registry: which Swift account holds it, who owns
// it, and the bucket's access settings that Swift has no place for (its
// policy, public access block, ownership controls, ACL grants Swift cannot
// express). Kept as a small JSON object in the gateway's own account, which
// no project can write, so unlike container metadata it needs no seal.
import type { CorsRule } from '../s3/cors.js';
import type { LifecycleConfiguration, LifecycleRule } from '../s3/lifecycle.js';
import type { WebsiteConfiguration } from '../s3/website.js';

export interface BucketOwnerInfo {
  /** The owner's canonical id: its Keystone project id. */
  readonly id: string;
  readonly displayName: string;
}

/** Settings of a bucket that live in its registry entry (each feature reads its own). */
export interface BucketSettings {
  /** The bucket policy as PutBucketPolicy stored it (JSON text). */
  readonly policy?: string;
  readonly publicAccessBlock?: {
    readonly BlockPublicAcls: boolean;
    readonly IgnorePublicAcls: boolean;
    readonly BlockPublicPolicy: boolean;
    readonly RestrictPublicBuckets: boolean;
  };
  /** Object Ownership: BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter. */
  readonly ownership?: string;
  /** The bucket ACL as last set through the gateway (access/acl encodeGrantList items); Swift holds its READ and WRITE halves. */
  readonly acl?: Readonly<Record<string, string>>;
  /** True once the gateway's own identity was added to the bucket's X-Container-Read, to serve reads that object ACLs allow. */
  readonly delegatedReads?: boolean;
  /** The bucket's website configuration (PutBucketWebsite), served on the website domains. */
  readonly website?: WebsiteConfiguration;
  /** The bucket's CORS rules (PutBucketCors), evaluated by the gateway for preflights and actual requests. */
  readonly cors?: readonly CorsRule[];
  /** True once the gateway's own identity may also write the bucket (for principals a bucket policy admits). */
  readonly delegatedWrites?: boolean;
  /** The bucket's lifecycle rules (PutBucketLifecycleConfiguration): read on writes and reads without a Swift call, applied by `lifecycle run`. */
  readonly lifecycle?: LifecycleConfiguration;
  /**
   * Expiring rules of lifecycle configurations since replaced or deleted:
   * objects written under them may carry an X-Delete-At the rules now in
   * force do not give, which `lifecycle run` corrects, then clears this.
   */
  readonly lifecycleRetired?: { readonly rules: readonly LifecycleRule[]; readonly since: string };
}

export interface BucketRecord {
  /** The Swift account (`AUTH_<project>`) holding the bucket's container. */
  readonly account: string;
  readonly owner: BucketOwnerInfo;
  /** When the name was registered (ISO 8601). */
  readonly registered: string;
  readonly settings: BucketSettings;
}

const FORMAT = 1;

export function encodeRecord(record: BucketRecord): string {
  return JSON.stringify({ format: FORMAT, ...record });
}

/** The record a registry object holds; undefined for anything that is not one (it is then treated as absent and logged). */
export function decodeRecord(text: string): BucketRecord | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const d = doc as Record<string, unknown>;
  const owner = d['owner'] as Record<string, unknown> | undefined;
  if (d['format'] !== FORMAT || typeof d['account'] !== 'string' || d['account'] === '') return undefined;
  if (typeof owner !== 'object' || owner === null || typeof owner['id'] !== 'string' || typeof owner['displayName'] !== 'string') return undefined;
  const settings = typeof d['settings'] === 'object' && d['settings'] !== null ? (d['settings'] as BucketSettings) : {};
  return {
    account: d['account'],
    owner: { id: owner['id'], displayName: owner['displayName'] },
    registered: typeof d['registered'] === 'string' ? d['registered'] : '',
    settings,
  };
}
