// PostObject: a browser upload through an HTML form. Its form was read,
// signed and checked against its policy before it got here (http/post-object.ts);
// the upload itself is a PutObject of the file, answered the way the form asks
// (success_action_redirect, success_action_status). An anonymous upload is
// allowed into a bucket whose ACL gives AllUsers WRITE (public-read-write),
// which Swift keeps as the gateway's own name in X-Container-Write: the
// request's store then acts as the gateway, so that is checked first.
// https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
import { aclAllows, decodeGrantList } from '../../access/acl/index.js';
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import type { OperationContext } from '../context.js';
import { putObject } from './write.js';

/**
 * Whether the bucket's ACL lets everyone write: AllUsers WRITE in the ACL
 * last set through the gateway (the registry's), which Swift keeps as the
 * gateway's own name in X-Container-Write, so Swift refuses the gateway's
 * write too once a Swift user removes it. (The gateway's token cannot read
 * another account's container ACLs; the registry is where S3's ACL is.)
 */
function everyoneMayWrite(ctx: OperationContext): boolean {
  const owner = ctx.bucketOwner;
  const encoded = ctx.bucketRecord?.settings.acl;
  if (owner === undefined || encoded === undefined) return false;
  const grants = decodeGrantList(encoded, owner.id);
  return grants !== undefined && aclAllows({ owner: { id: owner.id, displayName: owner.displayName }, grants }, { kind: 'anonymous' }, 'WRITE');
}

/** success_action_redirect with bucket, key and the quoted ETag added to its query, as S3 does. */
export function redirectLocation(url: string, bucket: string, key: string, etag: string): string | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined; // S3 quirk: a redirect that is not a URL is ignored and the status answers
  }
  target.searchParams.set('bucket', bucket);
  target.searchParams.set('key', key);
  target.searchParams.set('etag', etag);
  return target.toString();
}

export async function postObject(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  if (ctx.requester?.kind === 'anonymous' && !everyoneMayWrite(ctx)) {
    throw s3Error('AccessDenied', {}, 'Anonymous uploads are allowed only into a bucket whose ACL lets everyone write; sign the form.');
  }
  const put = await putObject(ctx);
  const etag = String(put.headers?.['etag'] ?? '');
  const headers = { ...put.headers, location: `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}` };
  const form = ctx.postForm ?? {};
  const redirect = form.redirect === undefined ? undefined : redirectLocation(form.redirect, bucket, key, etag);
  if (redirect !== undefined) return { status: 303, headers: { ...headers, location: redirect } };
  if (form.successStatus === '201') {
    return { status: 201, headers, xml: { root: 'PostResponse', doc: { Location: headers.location, Bucket: bucket, Key: key, ETag: etag } } };
  }
  return { status: form.successStatus === '200' ? 200 : 204, headers };
}
