// The LifecycleConfiguration document GetBucketLifecycleConfiguration (and the
// older GetBucketLifecycle) answers: the rules as PutBucketLifecycleConfiguration
// stored them, a legacy rule with its Prefix, the others with their Filter.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLifecycleConfiguration.html
import type { LifecycleConfiguration, LifecycleFilter, LifecycleTag } from './lifecycle.js';
import type { XmlBody } from './result.js';

type Doc = Record<string, unknown>;

const tagDoc = (t: LifecycleTag) => ({ Key: t.key, Value: t.value });
function filterDoc(f: LifecycleFilter): Doc {
  if (f.and) {
    return {
      And: {
        ...(f.and.prefix !== undefined ? { Prefix: f.and.prefix } : {}),
        ...(f.and.tags.length ? { Tag: f.and.tags.map(tagDoc) } : {}),
        ...(f.and.sizeGreaterThan !== undefined ? { ObjectSizeGreaterThan: String(f.and.sizeGreaterThan) } : {}),
        ...(f.and.sizeLessThan !== undefined ? { ObjectSizeLessThan: String(f.and.sizeLessThan) } : {}),
      },
    };
  }
  return {
    ...(f.prefix !== undefined ? { Prefix: f.prefix } : {}),
    ...(f.tag ? { Tag: tagDoc(f.tag) } : {}),
    ...(f.sizeGreaterThan !== undefined ? { ObjectSizeGreaterThan: String(f.sizeGreaterThan) } : {}),
    ...(f.sizeLessThan !== undefined ? { ObjectSizeLessThan: String(f.sizeLessThan) } : {}),
  };
}

/** The LifecycleConfiguration document GetBucketLifecycleConfiguration answers. */
export function lifecycleDocument(config: LifecycleConfiguration): XmlBody {
  return {
    root: 'LifecycleConfiguration',
    doc: {
      Rule: config.rules.map((r) => ({
        ID: r.id,
        ...(r.prefix !== undefined ? { Prefix: r.prefix } : { Filter: filterDoc(r.filter ?? {}) }),
        Status: r.status,
        ...(r.transitions.length ? { Transition: r.transitions.map((t) => ({ ...(t.date ? { Date: t.date } : { Days: String(t.days) }), StorageClass: t.storageClass })) } : {}),
        ...(r.noncurrentTransitions.length ? {
          NoncurrentVersionTransition: r.noncurrentTransitions.map((t) => ({
            NoncurrentDays: String(t.noncurrentDays), StorageClass: t.storageClass,
            ...(t.newerNoncurrentVersions !== undefined ? { NewerNoncurrentVersions: String(t.newerNoncurrentVersions) } : {}),
          })),
        } : {}),
        ...(r.expiration ? {
          Expiration: r.expiration.days !== undefined ? { Days: String(r.expiration.days) }
            : r.expiration.date !== undefined ? { Date: r.expiration.date }
              : { ExpiredObjectDeleteMarker: String(r.expiration.expiredObjectDeleteMarker) },
        } : {}),
        ...(r.noncurrentExpiration ? {
          NoncurrentVersionExpiration: {
            NoncurrentDays: String(r.noncurrentExpiration.noncurrentDays),
            ...(r.noncurrentExpiration.newerNoncurrentVersions !== undefined ? { NewerNoncurrentVersions: String(r.noncurrentExpiration.newerNoncurrentVersions) } : {}),
          },
        } : {}),
        ...(r.abortIncomplete ? { AbortIncompleteMultipartUpload: { DaysAfterInitiation: String(r.abortIncomplete.daysAfterInitiation) } } : {}),
      })),
    },
  };
}
