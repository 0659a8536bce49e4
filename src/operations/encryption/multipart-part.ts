// UploadPart of an encrypted upload: the part's plaintext is encrypted as it
// streams (AES-256-CTR under the upload's data key, from this part upload's
// own counter blocks: crypto/parts.ts), its MAC (and, for SSE-S3, its MD5)
// computed on the way, and Content-MD5 checked on the plaintext (Swift sees
// only ciphertext). Those are known only at the body's end, so the part is
// PUT first and its text (multipart-state.ts PartText) added by one POST:
// a part whose POST never happened (the gateway died in between) has no text
// and CompleteMultipartUpload refuses it as InvalidPart, as if it had never
// been uploaded; the client's UploadPart got no answer and uploads it again.
// A body cut short fails the PUT, which Swift then never stores (a PUT with a
// Content-Length is all or nothing), so no partial part is left.
import { Readable } from 'node:stream';
import { newPartNonce, partCounterBlock } from '../../crypto/parts.js';
import { EncryptingStream, PlaintextDigestMismatch } from '../../crypto/streams.js';
import { checksumHeader } from '../../s3/checksums.js';
import { s3Error } from '../../s3/errors.js';
import { encodePartChecksum } from '../../s3/multipart-checksums.js';
import { readSmallBody } from '../common/body.js';
import { checksumItem } from '../common/checksums.js';
import { quoteEtag } from '../common/object-headers.js';
import { pipeWithFailure, throwIfFailed } from '../common/pipe-failure.js';
import { requestMd5 } from '../common/write-body.js';
import type { OperationContext } from '../context.js';
import { partText, type PartKey } from './multipart-state.js';

/**
 * Writes one encrypted part to `target` and answers UploadPart's headers
 * (ETag, checksum, SSE). `afterWrite` runs once Swift has the part (the
 * check that the upload is still open). `checksum`: the part's flexible
 * checksum (of the plaintext, as S3 computes it), if any.
 */
export async function writeEncryptedPart(
  ctx: OperationContext, target: { container: string; object: string }, length: number, upload: PartKey, partNumber: number,
  afterWrite: () => Promise<void>, checksum: OperationContext['checksum'],
): Promise<Record<string, string | undefined>> {
  throwIfFailed(ctx.body);
  const nonce = newPartNonce();
  const md5 = requestMd5(ctx.req.headers);
  const stream = new EncryptingStream(upload.dataKey, partCounterBlock(upload.iv, partNumber, nonce), { expectedMd5Hex: md5, computeMd5: upload.plaintextEtag });
  pipeWithFailure(ctx.body, stream);
  const failed = (err: unknown) => (stream.digestFailed || err instanceof PlaintextDigestMismatch ? s3Error('BadDigest', { 'Content-MD5': ctx.req.headers['content-md5'] }) : err);
  // An empty part is read (and so verified) first: nothing to stream.
  const body: Readable | Buffer = length === 0 ? await readSmallBody(stream, 0).catch((err: unknown) => { throw failed(err); }) : stream;
  const written = await ctx.store.putObject(target.container, target.object, { body, length, headers: {} }).catch((err: unknown) => { throw failed(err); });
  await afterWrite();
  const value = checksum?.value();
  const known = checksum !== undefined && value !== undefined;
  const s3Etag = upload.plaintextEtag ? stream.md5Hex() : undefined;
  // (False when another upload of this part number replaced it meanwhile: that one is the part now, as in S3.)
  await ctx.store.updateReserved(written, known ? checksumItem(checksum.algorithm, value) : {}, known ? encodePartChecksum({ algorithm: checksum.algorithm, value }) : undefined, {
    s3Etag, ssePart: partText({ nonce, mac: stream.mac(), etag: written.etag }),
  });
  return { etag: quoteEtag(s3Etag ?? written.etag), ...(checksum ? { [checksumHeader(checksum.algorithm)]: value } : {}), ...upload.headers };
}
