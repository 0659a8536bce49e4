// A browser upload (POST object, an HTML form) before it reaches its
// operation: the form fields are read off the body (the file stays unread),
// the policy's signature is verified (or the upload is anonymous), the policy
// is checked against the fields, and the request becomes the PutObject-like
// request its fields describe: key, Content-Type, x-amz-meta-*, acl,
// checksums, with the file as its body.
// https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
import type { Readable } from 'node:stream';
import type { Credential, CredentialStore } from '../auth/credentials.js';
import { authenticatePostForm, formIsSigned } from '../auth/post-signature.js';
import type { SigningKeyCache } from '../auth/signing-keys.js';
import { s3Error } from '../s3/errors.js';
import { ExactLength, fileLengthOf, formBoundary, readPostForm } from '../s3/post-form.js';
import { checkPostPolicy, parsePostPolicy } from '../s3/post-policy.js';
import type { S3Request } from '../s3/request.js';
import { route } from '../s3/router.js';
import type { PostFormInfo } from '../operations/context.js';

export interface PostObjectRequest<I> {
  /** The request as its operation sees it: the form's key and the headers its fields stand for. */
  readonly req: S3Request;
  /** The file, exactly as long as Content-Length says it is. */
  readonly file: Readable;
  readonly form: PostFormInfo;
  /** Undefined for an anonymous upload (no signature fields). */
  readonly credential?: Credential<I>;
}

/** Fields that stand for a PutObject header of the same name. */
const HEADER_FIELDS = new Set(['cache-control', 'content-type', 'content-disposition', 'content-encoding', 'expires', 'x-amz-storage-class', 'x-amz-website-redirect-location']);

/** The PutObject headers a form's fields stand for (S3 names them alike, `acl` aside). */
export function headersOfFields(fields: ReadonlyMap<string, string>, fileContentType: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of fields) {
    if (HEADER_FIELDS.has(name) || name.startsWith('x-amz-meta-') || name.startsWith('x-amz-checksum-') || name.startsWith('x-amz-server-side-encryption')
      || name.startsWith('x-amz-object-lock-')) out[name] = value;
  }
  // The form's x-amz-checksum-algorithm names the checksum field's algorithm (a PutObject's x-amz-sdk-checksum-algorithm).
  const algorithm = out['x-amz-checksum-algorithm'];
  delete out['x-amz-checksum-algorithm'];
  if (algorithm !== undefined) out['x-amz-sdk-checksum-algorithm'] = algorithm;
  if (fields.has('acl')) out['x-amz-acl'] = fields.get('acl')!;
  if (fields.has('tagging')) out['x-amz-tagging'] = fields.get('tagging')!;
  // Without a Content-Type field: the file part's own, what the browser says the file is.
  if (out['content-type'] === undefined && fileContentType !== undefined) out['content-type'] = fileContentType;
  return out;
}

/** The object key: the key field, `${filename}` replaced by the file's name (its last path segment). */
export function postKey(fields: ReadonlyMap<string, string>, filename: string): string {
  const key = fields.get('key');
  if (key === undefined || key === '') {
    throw s3Error('InvalidArgument', { ArgumentName: 'key', ArgumentValue: '' }, "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.");
  }
  const base = filename.split(/[\\/]/).pop() ?? '';
  return key.split('${filename}').join(base);
}

/** Whether a request is a browser upload: a POST to a bucket with no sub-resource. */
export function isPostObject(req: S3Request): boolean {
  try {
    return route(req) === 'PostObject';
  } catch {
    return false;
  }
}

export async function readPostObject<I>(
  req: S3Request,
  body: Readable,
  deps: { credentials: CredentialStore<I>; acceptedRegions: readonly string[]; signingKeys: SigningKeyCache; now: () => number },
): Promise<PostObjectRequest<I>> {
  const boundary = formBoundary(req.headers['content-type']);
  if (boundary === undefined) throw s3Error('PreconditionFailed', { Condition: 'Bucket POST must be of the enclosure-type multipart/form-data' }, 'Bucket POST must be of the enclosure-type multipart/form-data');
  const rawLength = req.headers['content-length'];
  if (rawLength === undefined || !/^\d+$/.test(rawLength.trim())) throw s3Error('MissingContentLength');
  const form = await readPostForm(body, boundary);
  const fields = form.fields;
  const key = postKey(fields, form.filename);
  const fileLength = fileLengthOf(form, Number(rawLength.trim()));
  const credential = formIsSigned(fields) ? await authenticatePostForm(fields, deps.credentials, deps) : undefined;
  if (credential && fields.has('policy')) {
    const values = new Map(fields);
    values.set('key', key);
    values.set('bucket', req.bucket!);
    const range = checkPostPolicy(parsePostPolicy(fields.get('policy')!), values, deps.now());
    if (range && fileLength > range.max) throw s3Error('EntityTooLarge', { ProposedSize: fileLength, MaxSizeAllowed: range.max }, 'Your proposed upload exceeds the maximum allowed size');
    if (range && fileLength < range.min) throw s3Error('EntityTooSmall', { ProposedSize: fileLength, MinSizeAllowed: range.min }, 'Your proposed upload is smaller than the minimum allowed size');
  }
  const headers = { ...headersOfFields(fields, form.fileContentType), 'content-length': String(fileLength) };
  const file = new ExactLength(fileLength);
  form.file.once('error', (err) => file.destroy(err));
  form.file.pipe(file);
  return {
    req: { ...req, key, headers: { ...headers, host: req.headers['host'] ?? '' } },
    file,
    form: { successStatus: fields.get('success_action_status'), redirect: fields.get('success_action_redirect') ?? fields.get('redirect') },
    credential,
  };
}
