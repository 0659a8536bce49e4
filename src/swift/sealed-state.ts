// The gateway's own state kept on Swift objects: reserved metadata items
// (X-Object-Meta-S3gw-<name>: flexible checksums, the upload that made a
// multipart object) and a multipart object's S3 ETag (a Content-Type
// parameter, the one place Swift keeps that the gateway can write and that
// container listings show: the gatekeeper drops sysmeta from outside the proxy).
// Anyone who may write the object outside the gateway can write those too
// (the Swift API; s3api as x-amz-meta-s3gw-*), so the gateway seals what it
// writes with an HMAC under a key only gateways hold, bound to the object's
// container, name and size, and treats what does not verify as absent.
//   X-Object-Meta-S3gw-Seal: v1.<mac over the reserved items>
//   Content-Type: <type>;s3gw_etag=<etag>;s3gw_seal=<mac over the ETag>
import { createHmac } from 'node:crypto';

const META = 'x-object-meta-';
/** Reserved metadata names: `X-Object-Meta-S3gw-*`, never a client's. */
export const RESERVED_PREFIX = 's3gw-';
const RESERVED = META + RESERVED_PREFIX;
const SEAL = RESERVED + 'seal';
const VERSION = 'v1';

/** Reserved container metadata: `X-Container-Meta-S3gw-<name>`, each value sealed on its own. */
export const CONTAINER_RESERVED = 'x-container-meta-' + RESERVED_PREFIX;

/** Reserved items by short name (`checksum-crc32`, `upload-id`). */
export type Reserved = Readonly<Record<string, string>>;

/** Which object a seal is bound to: a copy elsewhere, or a changed size, breaks it. */
export interface SealTarget {
  readonly container: string;
  readonly object: string;
  readonly size: number;
}

/** The Swift header of a reserved item. */
export const reservedHeader = (name: string): string => RESERVED + name;

/** Whether a Swift header name is one of the gateway's reserved items (or their seal). */
export const isReservedHeader = (name: string): boolean => name.startsWith(RESERVED);

/** The reserved items among Swift headers (empty ones count as absent), by short name. */
function reservedOf(headers: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === '' || name === SEAL || !name.startsWith(RESERVED)) continue;
    out[name.slice(RESERVED.length)] = value;
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

  #itemsMac(target: SealTarget, items: Reserved): string {
    const lines = Object.keys(items).sort().map((name) => `${name}=${items[name]}`);
    return `${VERSION}.${this.#mac('meta', target, lines)}`;
  }

  /** The Swift headers that store these reserved items, sealed (none for none: the seal is blanked). */
  headers(target: SealTarget, items: Reserved): Record<string, string> {
    const live = Object.fromEntries(Object.entries(items).filter(([, v]) => v !== ''));
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(live)) out[RESERVED + name] = value;
    out[SEAL] = Object.keys(live).length === 0 ? '' : this.#itemsMac(target, live);
    return out;
  }

  /** The reserved items of a Swift response, if its seal holds for this object; otherwise none. */
  verified(target: SealTarget, headers: Readonly<Record<string, string>>): Reserved {
    const items = reservedOf(headers);
    if (Object.keys(items).length === 0) return {};
    const seal = headers[SEAL];
    return seal !== undefined && seal === this.#itemsMac(target, items) ? items : {};
  }

  /**
   * One container metadata value, sealed on its own (`v1.<mac>.<value>`):
   * container POSTs change only the items they name, so each item carries its
   * own seal, bound to the container and the item's name.
   */
  sealValue(container: string, name: string, value: string): string {
    return `${VERSION}.${this.#mac('container', { container, object: name, size: 0 }, [value])}.${value}`;
  }

  /** The value sealValue wrote, or null when the stored text does not verify for this container and name. */
  openValue(container: string, name: string, stored: string): string | null {
    const m = /^v1\.([A-Za-z0-9_-]+)\.(.*)$/s.exec(stored);
    if (!m) return null;
    return m[1] === this.#mac('container', { container, object: name, size: 0 }, [m[2]!]) ? m[2]! : null;
  }

  /** The Content-Type parameters that keep a multipart object's S3 ETag, sealed. */
  etagParams(target: SealTarget, etag: string): string {
    return `;${ETAG_PARAM}=${etag};${SEAL_PARAM}=${this.#mac('etag', target, [etag])}`;
  }

  /**
   * The Content-Type parameter that keeps a part's checksum where a container
   * listing and an SLO manifest show it (each segment's content_type), so
   * ListParts, CompleteMultipartUpload and GetObjectAttributes read every
   * part's checksum without a HEAD per part. `text`: `<algorithm>.<hex>`.
   */
  checksumParam(target: SealTarget, text: string): string {
    return `;${SUM_PARAM}=${text}.${this.#mac('sum', target, [text])}`;
  }

  /** The checksum text a Content-Type keeps for this object, if its seal holds. */
  verifiedChecksum(target: SealTarget, contentType: string | undefined): string | undefined {
    return this.#verifiedParam(SUM_PARAM, 'sum', target, contentType);
  }

  /**
   * The Content-Type parameter naming the S3 storage class of an object whose
   * class is not its bucket's (operations/storage/): kept where listings show
   * it, so a listing reports every row's class without a HEAD per row.
   */
  classParam(target: SealTarget, storageClass: string): string {
    return `;${CLASS_PARAM}=${storageClass}.${this.#mac('class', target, [storageClass])}`;
  }

  /** The storage class a Content-Type names for this object, if its seal holds. */
  verifiedClass(target: SealTarget, contentType: string | undefined): string | undefined {
    return this.#verifiedParam(CLASS_PARAM, 'class', target, contentType);
  }

  /**
   * The Content-Type parameter keeping when an object's content was first
   * written (ms since the epoch) across a move that rewrites it in Swift: S3
   * keeps an object's Last-Modified through a lifecycle transition, while
   * Swift stamps every write anew (and ignores a client's X-Timestamp).
   */
  sinceParam(target: SealTarget, ms: number): string {
    const text = String(Math.round(ms));
    return `;${SINCE_PARAM}=${text}.${this.#mac('since', target, [text])}`;
  }

  /** The first-written time (ms since the epoch) a Content-Type keeps for this object, if its seal holds. */
  verifiedSince(target: SealTarget, contentType: string | undefined): number | undefined {
    if (!hasSinceParam(contentType)) return undefined;
    const text = this.#verifiedParam(SINCE_PARAM, 'since', target, contentType);
    return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
  }

  /**
   * The Content-Type parameter keeping an encrypted part's nonce, plaintext
   * MAC and ciphertext ETag (`<nonce>.<mac>.<etag>`: operations/encryption/
   * multipart-state.ts), where a listing of the upload's parts and the
   * completed object's SLO manifest (each segment's content_type) show it.
   */
  ssePartParam(target: SealTarget, text: string): string {
    return `;${SSE_PART_PARAM}=${text}.${this.#mac('ssepart', target, [text])}`;
  }

  /** The encrypted part's text a Content-Type keeps for this object, if its seal holds. */
  verifiedSsePart(target: SealTarget, contentType: string | undefined): string | undefined {
    return this.#verifiedParam(SSE_PART_PARAM, 'ssepart', target, contentType);
  }

  /** A `<name>=<value>.<mac>` parameter's value, if its MAC (of this kind, for this object) holds. */
  #verifiedParam(name: string, kind: string, target: SealTarget, contentType: string | undefined): string | undefined {
    if (contentType === undefined || !contentType.includes(name)) return undefined;
    for (const param of contentType.split(';').slice(1)) {
      const eq = param.indexOf('=');
      if (eq < 0 || param.slice(0, eq).trim() !== name) continue;
      const value = param.slice(eq + 1).trim();
      const dot = value.lastIndexOf('.');
      const text = value.slice(0, dot);
      if (dot > 0 && value.slice(dot + 1) === this.#mac(kind, target, [text])) return text;
    }
    return undefined;
  }

  /** The S3 ETag a Content-Type keeps for this object, if its seal holds. */
  verifiedEtag(target: SealTarget, contentType: string | undefined): string | undefined {
    const { etag, seal } = etagParamsOf(contentType);
    if (etag === undefined || seal === undefined) return undefined;
    return seal === this.#mac('etag', target, [etag]) ? etag : undefined;
  }
}

const ETAG_PARAM = 's3gw_etag';
const SEAL_PARAM = 's3gw_seal';
const SUM_PARAM = 's3gw_sum';
const CLASS_PARAM = 's3gw_class';
const SINCE_PARAM = 's3gw_since';
const SSE_PART_PARAM = 's3gw_ssep';

/** Whether a Content-Type may keep a first-written time (cheap test before verifying it). */
export const hasSinceParam = (contentType: string | undefined): boolean => contentType !== undefined && contentType.includes(SINCE_PARAM);

/** Whether a Content-Type may name a storage class (cheap test before verifying it). */
export const hasClassParam = (contentType: string | undefined): boolean => contentType !== undefined && contentType.includes(CLASS_PARAM);

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

/**
 * A Content-Type without the parameters the gateway or Swift give a meaning
 * to (`s3gw_*`; Swift's `swift_bytes`, which overrides a listing's size): what
 * clients see, and all of a client's Content-Type that may be stored, so a
 * client can never forge the ETag or size that listings show.
 */
export function plainContentType(value: string | undefined): string | undefined {
  if (value === undefined || (!value.includes('s3gw_') && !value.includes('swift_bytes'))) return value;
  return value.split(';').filter((param, i) => i === 0 || !/^\s*(s3gw_[^=]*|swift_bytes)\s*=/i.test(param)).join(';');
}

/** Whether a Content-Type carries the gateway's stored ETag (a multipart object's). */
export const hasEtagParams = (contentType: string | undefined): boolean => contentType !== undefined && contentType.includes(ETAG_PARAM);
