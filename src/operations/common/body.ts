// Reading the few request bodies the gateway must parse itself (small XML
// documents), with a size cap so a client cannot make it buffer an object.
import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { s3Error, type S3Error } from '../../s3/errors.js';
import type { OperationContext } from '../context.js';
import { contentMd5ToHex } from './object-headers.js';

/**
 * Reads a whole body of at most maxBytes. A longer one is refused as soon as
 * the byte past the cap arrives; the stream is then left as it is, unread and
 * paused, not destroyed: destroying a request body destroys its socket, and the
 * client would get a reset instead of the error (the pipeline closes the
 * connection after answering a request whose body it did not finish reading).
 */
export async function readSmallBody(
  body: Readable,
  maxBytes: number,
  tooLarge: () => S3Error = () => defaultTooLarge(maxBytes),
  hash?: Hash,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      body.pause();
      throw tooLarge();
    }
    hash?.update(chunk as Buffer);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function defaultTooLarge(maxBytes: number): S3Error {
  return s3Error('InvalidRequest', {}, `The request body is larger than the ${maxBytes} bytes this request allows.`);
}

/**
 * The XML body of a request, at most maxBytes, refused before a byte of it is
 * read when its declared length (Content-Length, or the decoded length of an
 * aws-chunked body) is already larger.
 *
 * S3 quirk: AWS documents no code for an XML body over its limit (its error
 * list has MaxMessageLengthExceeded, "Your request was too big", without saying
 * where it applies). Swift's s3api, the reference here, answers MalformedXML for
 * every XML body over its cap (DeleteObjects, CompleteMultipartUpload, ACLs,
 * CreateBucket), and so does Ceph's RGW; and a document that large is one S3's
 * schema refuses anyway (more than 1000 keys, keys over 1024 bytes, ...). So:
 * MalformedXML, with a message that names the cap.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */
export async function readXmlBody(ctx: OperationContext, maxBytes: number): Promise<XmlRequestBody> {
  const tooLarge = () => s3Error('MalformedXML', {}, `The XML you provided was larger than the ${maxBytes} bytes this request allows.`);
  const declared = ctx.decodedLength ?? contentLength(ctx.req.headers);
  if (declared !== undefined && declared > maxBytes) throw tooLarge();
  const md5 = createHash('md5');
  const bytes = await readSmallBody(ctx.body, maxBytes, tooLarge, md5);
  return { bytes, md5Hex: md5.digest('hex') };
}

export interface XmlRequestBody {
  readonly bytes: Buffer;
  /**
   * The body's MD5 (hex), for Content-MD5: hashed chunk by chunk as it came in,
   * since hashing megabytes at once (a DeleteObjects body near its cap) would
   * hold the event loop for milliseconds.
   */
  readonly md5Hex: string;
}

function contentLength(headers: Readonly<Record<string, string>>): number | undefined {
  const raw = headers['content-length']?.trim();
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/**
 * Content-MD5 against the body's MD5 (hex): BadDigest on a mismatch,
 * InvalidDigest for a malformed one. `required`: S3 wants it (DeleteObjects
 * without a flexible checksum).
 */
export function checkContentMd5(headers: Readonly<Record<string, string>>, bodyMd5Hex: string, opts: { required: boolean }): void {
  const md5 = headers['content-md5'];
  if (md5 === undefined) {
    if (opts.required) throw s3Error('InvalidRequest', {}, 'Missing required header for this request: Content-Md5');
    return;
  }
  if (contentMd5ToHex(md5) !== bodyMd5Hex) throw s3Error('BadDigest');
}
