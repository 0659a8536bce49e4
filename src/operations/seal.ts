// The gateway's own state kept on Swift objects (X-Object-Meta-S3gw-*
// metadata: flexible checksums, the upload that made a multipart object; and
// the S3 ETag of a multipart object, a Content-Type parameter) can be written
// by anyone who may write the object outside the gateway: through the Swift
// API, or through Swift's s3api as x-amz-meta-s3gw-*. So the gateway seals
// what it writes with an HMAC under a key only gateways hold, bound to the
// object's container, name and size, and treats anything that does not verify
// as absent (a forged checksum would make a client fail its validation; a
// forged ETag would show in listings).
//   X-Object-Meta-S3gw-Seal: v1.<mac over the reserved items>
//   Content-Type: <type>;s3gw_etag=<etag>;s3gw_seal=<mac over the ETag>
import { createHmac } from 'node:crypto';
import { RESERVED_META_PREFIX, SWIFT_OBJECT_META_PREFIX } from './metadata.js';

export const SEAL_META = `${SWIFT_OBJECT_META_PREFIX}${RESERVED_META_PREFIX}seal`;
const RESERVED = SWIFT_OBJECT_META_PREFIX + RESERVED_META_PREFIX;
const VERSION = 'v1';

/** Which object a seal is bound to: a copy elsewhere, or a changed size, breaks it. */
export interface SealTarget {
  readonly container: string;
  readonly object: string;
  readonly size: number;
}

/** The reserved X-Object-Meta-S3gw-* items of a header set, the seal itself excepted. */
export function reservedItems(headers: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === '' || name === SEAL_META || !name.startsWith(RESERVED)) continue;
    out[name] = value;
  }
  return out;
}

export class Sealer {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    this.#key = key;
  }

  #mac(kind: string, target: SealTarget, lines: readonly string[]): string {
    const h = createHmac('sha256', this.#key);
    h.update([VERSION, kind, target.container, target.object, String(target.size), ...lines].join('\n'));
    return h.digest().subarray(0, 16).toString('base64url');
  }

  #itemsMac(target: SealTarget, items: Readonly<Record<string, string>>): string {
    const lines = Object.keys(items).sort().map((name) => `${name}=${items[name]}`);
    return `${VERSION}.${this.#mac('meta', target, lines)}`;
  }

  /**
   * Sets the seal over the reserved items among `headers` (a Swift PUT or
   * POST about to be sent), or removes it when there are none.
   */
  seal(target: SealTarget, headers: Record<string, string | undefined>): void {
    const items = reservedItems(headers);
    if (Object.keys(items).length === 0) delete headers[SEAL_META];
    else headers[SEAL_META] = this.#itemsMac(target, items);
  }

  /** The reserved items of a Swift response, if its seal holds for this object; otherwise none. */
  verified(target: SealTarget, headers: Readonly<Record<string, string>>): Record<string, string> {
    const items = reservedItems(headers);
    if (Object.keys(items).length === 0) return {};
    const seal = headers[SEAL_META];
    return seal !== undefined && seal === this.#itemsMac(target, items) ? items : {};
  }

  /** The Content-Type parameters that keep a multipart object's S3 ETag, sealed. */
  etagParams(target: SealTarget, etag: string): string {
    return `;${ETAG_PARAM}=${etag};${SEAL_PARAM}=${this.#mac('etag', target, [etag])}`;
  }

  /** The S3 ETag a Content-Type keeps for this object, if its seal holds. */
  verifiedEtag(target: SealTarget, contentType: string | undefined): string | undefined {
    const { etag, seal } = etagParamsOf(contentType);
    if (etag === undefined || seal === undefined) return undefined;
    return seal === this.#mac('etag', target, [etag]) ? etag : undefined;
  }
}

export const ETAG_PARAM = 's3gw_etag';
export const SEAL_PARAM = 's3gw_seal';

/** The stored ETag and its seal, as written (unverified). */
export function etagParamsOf(contentType: string | undefined): { etag?: string; seal?: string } {
  if (contentType === undefined || !contentType.includes(ETAG_PARAM)) return {};
  const out: { etag?: string; seal?: string } = {};
  for (const param of contentType.split(';').slice(1)) {
    const eq = param.indexOf('=');
    const name = param.slice(0, eq).trim();
    if (name === ETAG_PARAM) out.etag = param.slice(eq + 1).trim();
    else if (name === SEAL_PARAM) out.seal = param.slice(eq + 1).trim();
  }
  return out;
}

/** A Content-Type without the gateway's parameters: what clients see. */
export function withoutEtagParams(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !contentType.includes('s3gw_')) return contentType;
  return contentType.split(';').filter((param, i) => i === 0 || !/^\s*s3gw_[^=]*=/i.test(param)).join(';');
}

/**
 * A client's Content-Type as it may be stored: without parameters the
 * gateway or Swift give a meaning to (`s3gw_*`, such as the stored multipart
 * ETag, and Swift's `swift_bytes`, which overrides a listing's size), so a
 * client can never forge the ETag or size that listings show.
 */
export function clientContentType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.split(';').filter((param, i) => i === 0 || !/^\s*(s3gw_[^=]*|swift_bytes)\s*=/i.test(param)).join(';');
}
