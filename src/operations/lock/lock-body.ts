// The small XML bodies of the Object Lock operations: read with a cap, their
// integrity checked as S3 requires it (Content-MD5, or a flexible checksum
// the pipeline verified), parsed into their root element.
import { s3Error } from '../../s3/errors.js';
import { isBlank, parseXml } from '../../s3/xml.js';
import { checkContentMd5, readXmlBody } from '../common/body.js';
import type { OperationContext } from '../context.js';

/** These documents are a few hundred bytes; s3api caps configuration bodies at 10 KiB too. */
const MAX_LOCK_BODY = 10 * 1024;

/** The body, its Content-MD5 required unless a flexible checksum covers it. */
export async function readBody(ctx: OperationContext): Promise<Buffer> {
  const body = await readXmlBody(ctx, MAX_LOCK_BODY);
  checkContentMd5(ctx.req.headers, body.md5Hex, { required: ctx.checksum === undefined });
  return body.bytes;
}

/** The root element `root` of a body, as an object; MalformedXML for anything else. */
export async function readLockDocument(body: Buffer | string, root: string): Promise<Record<string, unknown>> {
  if (isBlank(body)) throw s3Error('MalformedXML');
  let doc: Record<string, unknown>;
  try {
    doc = await parseXml(body);
  } catch {
    throw s3Error('MalformedXML');
  }
  const value = doc[root];
  if (value === '') return {};
  if (value === null || typeof value !== 'object') throw s3Error('MalformedXML');
  return value as Record<string, unknown>;
}

/** A text element's trimmed value; MalformedXML when it is not text. */
export function element(doc: Record<string, unknown>, name: string): string | undefined {
  const value = doc[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw s3Error('MalformedXML');
  return value.trim();
}
