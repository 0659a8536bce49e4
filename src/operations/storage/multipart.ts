// Multipart uploads of a class: CreateMultipartUpload names the class on the
// upload's marker (sealed, so ListMultipartUploads reads it from the listing
// row), and the parts of an upload whose class is on another policy than
// the bucket's live in that policy's companion container, under the same
// names as in `<bucket>+segments` (`<key>/<uploadId>/<n>`). The marker, the
// abort note and sub-manifests stay in `<bucket>+segments`: they are tiny.
import type { ObjectInfo } from '../../swift/store.js';
import { presentCompanions, segmentIn, segmentsContainer } from '../common/segments.js';
import type { OperationContext } from '../context.js';
import { bucketPolicy, classesOf, objectClass } from './bucket-class.js';
import { companionContainer } from './companion.js';

/** The container of an upload's parts, from its marker (a HEAD of it). */
export async function partsContainerOf(ctx: OperationContext, bucket: string, marker: ObjectInfo): Promise<string> {
  const storageClass = marker.storageClass;
  if (storageClass === undefined) return segmentsContainer(bucket);
  const policy = classesOf(ctx).policyOf.get(storageClass);
  if (policy === undefined || policy === '' || policy === (await bucketPolicy(ctx, bucket))) return segmentsContainer(bucket);
  return companionContainer(bucket, policy);
}

/** A part's name as the segment helpers take it (common/segments.ts deleteSegments). */
export const partRef = (bucket: string, container: string, name: string): string => segmentIn(bucket, container, name);

/** The class ListParts reports for an upload. */
export const uploadClass = (ctx: OperationContext, bucket: string, marker: ObjectInfo): Promise<string> => objectClass(ctx, bucket, marker);

/** The containers an Abort looks for an upload's parts in: `<bucket>+segments` and the bucket's companions. */
export async function partsContainers(ctx: OperationContext, bucket: string): Promise<string[]> {
  return [segmentsContainer(bucket), ...(await presentCompanions(ctx, bucket))];
}
