// PostObject: a browser upload through an HTML form. Its form was read,
// signed and checked against its policy before it got here (http/post-object.ts);
// the upload itself is a PutObject of the file, answered the way the form asks
// (success_action_redirect, success_action_status). An anonymous upload is
// allowed into a bucket whose ACL gives AllUsers WRITE (public-read-write) or
// whose policy allows it, decided with every other anonymous write in
// http/bucket-access.ts (the store then acts as the gateway).
// https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
import type { S3Result } from '../../s3/result.js';
import type { OperationContext } from '../context.js';
import { putObject } from './write.js';

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
