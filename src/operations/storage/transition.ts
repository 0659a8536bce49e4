// Changing the storage class of an object in place: what a lifecycle
// Transition does, and what CopyObject onto itself with only a new
// x-amz-storage-class asks for. S3 keeps the object's ETag, metadata, tags,
// ACL, lock state, Last-Modified and version on a transition
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html);
// here all of those but the Swift version. Swift stamps every write anew (a
// client's X-Timestamp is not taken: measured on Swift 2.30), so the first
// write's time is kept sealed in the Content-Type (sealed-state.ts
// sinceParam), which HEAD, GET and listings report; the object's X-Delete-At
// (an expiry rule's) stays, so a transition never postpones an expiry.
import { storedEncryption } from '../encryption/state.js';
import { s3Error } from '../../s3/errors.js';
import { SwiftError } from '../../swift/errors.js';
import { requestedStorageClass } from '../../s3/storage-class.js';
import { bucketInfo, missingObject } from '../common/bucket.js';
import { s3EtagOf } from '../common/etag.js';
import { STAGED_PUT_ITEM } from '../common/manifest.js';
import { deleteSegments, ownedSegments } from '../common/segments.js';
import type { OperationContext } from '../context.js';
import { bucketPolicy, classesOf, objectClass } from './bucket-class.js';
import { keptHeaders, writeMoved } from './move.js';
import { placementOf } from './placement.js';

/** The reserved item naming the upload a multipart object came from: a moved object is no multipart object any more. */
const UPLOAD_ID = 'upload-id';

const PLAIN_MD5 = /^[0-9a-f]{32}$/;

/**
 * Moves one version's data to `storageClass` server side (a no-op when it
 * is in that class already). `versionId`: undefined or 'null' (the object
 * of a bucket without versioning). A versioned bucket cannot have a version
 * rewritten in Swift without making a new version, so there it is
 * NotImplemented. InvalidStorageClass for a class not offered; NoSuchKey,
 * NoSuchVersion as reads answer; a concurrent overwrite makes it fail
 * (PreconditionFailed) rather than move the newer object.
 */
export async function changeStorageClass(ctx: OperationContext, bucket: string, key: string, versionId: string | undefined, storageClass: string): Promise<void> {
  requestedStorageClass(storageClass, classesOf(ctx));
  const { versioning } = await bucketInfo(ctx, bucket);
  if (versioning !== undefined) {
    throw s3Error('NotImplemented', {}, 'Changing the storage class of an object in a bucket that has (or had) versioning is not implemented here: Swift would keep the old bytes as a new version.');
  }
  if (versionId !== undefined && versionId !== 'null') throw s3Error('NoSuchVersion', { Key: key, VersionId: versionId });
  const info = await ctx.store.findObject(bucket, key);
  if (!info) return missingObject(ctx, bucket, key);
  if ((await objectClass(ctx, bucket, info)) === storageClass) return;
  // An encrypted object moves with its items; one whose items do not verify would lose them and read as plaintext.
  const encryption = storedEncryption(info);
  if (encryption.kind === 'unverifiable') throw s3Error('InvalidRequest', {}, 'The object\'s encryption metadata does not verify; it is not moved.');
  // An encrypted multipart object is decrypted part by part, by its parts' own records (encryption/multipart-read.ts): moved into one segment it could not be read.
  if (encryption.kind !== 'none' && encryption.layout === 'parts') throw s3Error('NotImplemented', {}, 'Moving an encrypted multipart object to another storage class is not implemented by this gateway; it is not moved.');
  const etag = (await s3EtagOf(ctx, bucket, key, info)).replace(/"/g, '');
  const old = await ownedSegments(ctx, bucket, key);
  // A moved object is no multipart upload's and no staged PUT's (its manifest, if any, is the class placement's).
  const { [UPLOAD_ID]: _upload, [STAGED_PUT_ITEM]: _staged, ...reserved } = info.reserved;
  const placement = await placementOf(ctx, bucket, storageClass);
  // Name the class on the object even when it is the bucket's: a manifest in the bucket's own policy must say it is placed data.
  const named = { ...placement, storageClass };
  try {
    await writeMoved(ctx, bucket, key, { container: bucket, object: key, info }, named, {
      // (An SSE-S3 object's stored ETag is an MD5, but its plaintext's: it must stay, not become the ciphertext's.)
      headers: keptHeaders(info), reserved, s3Etag: PLAIN_MD5.test(etag) && info.storedEtag === undefined ? undefined : etag,
    }, { ifMatch: info.etag, policyOfBucket: await bucketPolicy(ctx, bucket), deleteAt: info.deleteAt, since: info.writtenMs });
  } catch (err) {
    if (err instanceof SwiftError && err.status === 412) {
      throw s3Error('PreconditionFailed', { Condition: 'If-Match' }, 'The object changed while its storage class was being changed; nothing was moved.');
    }
    throw err;
  }
  await deleteSegments(ctx, bucket, old);
}
