// The CompleteMultipartUpload request document: the parts list.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
import { s3Error } from '../../s3/errors.js';
import { parseXml } from '../../s3/xml.js';
import { CHECKSUM_ALGORITHMS, isWellFormedChecksum, type ChecksumAlgorithm } from '../../s3/checksums.js';
import type { PartChecksum } from '../../s3/multipart-checksums.js';

/**
 * S3 and s3api cap the CompleteMultipartUpload body at 2 MiB, which holds S3's
 * largest upload: 10,000 parts of about 200 bytes each, a part being
 * `<Part><PartNumber>10000</PartNumber><ETag>"<32 hex>"</ETag></Part>` (about 90,
 * 100 with the quotes written `&quot;`), one checksum element (a SHA-256 one,
 * `<ChecksumSHA256>` + 44 base64 + its end tag, is 77) and indentation.
 */
export const MAX_COMPLETE_BODY = 2 * 1024 * 1024;

export interface RequestedPart {
  readonly partNumber: number;
  readonly etag: string;
  /** The part's checksum as the request states it (a ChecksumCRC32, ... element), if it does. */
  readonly checksum?: PartChecksum;
}

/** The Checksum<ALGORITHM> element of a Part, if it has one (S3 allows one). */
function statedPartChecksum(part: Record<string, unknown>, uploadId: string, number: number): PartChecksum | undefined {
  for (const algorithm of Object.keys(CHECKSUM_ALGORITHMS) as ChecksumAlgorithm[]) {
    const raw = part[`Checksum${CHECKSUM_ALGORITHMS[algorithm].name}`];
    if (raw === undefined) continue;
    const value = String(raw).trim();
    if (!isWellFormedChecksum(algorithm, value)) throw s3Error('InvalidPart', { UploadId: uploadId, PartNumber: number }, `The ${CHECKSUM_ALGORITHMS[algorithm].name} checksum of part ${number} is not a valid ${CHECKSUM_ALGORITHMS[algorithm].name} value.`);
    return { algorithm, value };
  }
  return undefined;
}

/** The parts list of the request body: ascending part numbers, MD5 ETags. */
export async function parseCompleteBody(body: Buffer | string, uploadId: string): Promise<RequestedPart[]> {
  let doc: Record<string, unknown>;
  try {
    doc = await parseXml(body, ['CompleteMultipartUpload.Part']);
  } catch {
    throw s3Error('MalformedXML');
  }
  const root = doc['CompleteMultipartUpload'] as { Part?: { PartNumber?: unknown; ETag?: unknown }[] } | undefined;
  const parts = root?.Part ?? [];
  if (!root || parts.length === 0) throw s3Error('MalformedXML', {}, 'The XML you provided was not well-formed or did not validate against our published schema: it names no Part.');
  const requested: RequestedPart[] = [];
  let previous = 0;
  for (const [i, p] of parts.entries()) {
    // 10,000 parts are milliseconds of work (more before the code is
    // optimised): the event loop gets its turn every 1000, as while parsing.
    if (i > 0 && i % 1000 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const number = Number(String(p.PartNumber ?? '').trim());
    if (!Number.isInteger(number) || number < 1) throw s3Error('MalformedXML');
    if (number <= previous) throw s3Error('InvalidPartOrder', { UploadId: uploadId });
    previous = number;
    const etag = String(p.ETag ?? '').trim().replace(/^"|"$/g, '').replace(/^&quot;|&quot;$/g, '').toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(etag)) throw s3Error('InvalidPart', { UploadId: uploadId, PartNumber: number });
    requested.push({ partNumber: number, etag, checksum: statedPartChecksum(p as Record<string, unknown>, uploadId, number) });
  }
  return requested;
}

