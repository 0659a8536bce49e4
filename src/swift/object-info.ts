// What Swift's HEAD/GET answers say about a container or an object, read once
// into typed values: operations never look at raw Swift headers.
import { CONTAINER_RESERVED, hasClassParam, hasEtagParams, hasSinceParam, plainContentType, type Reserved, type Sealer } from './sealed-state.js';

export interface ContainerInfo {
  readonly objectCount: number;
  readonly bytesUsed: number;
  readonly storagePolicy?: string;
  /** X-Container-Read / X-Container-Write ACLs, as Swift holds them. */
  readonly read?: string;
  readonly write?: string;
  /**
   * Swift's object versioning (X-Versions-Enabled): 'enabled', 'disabled'
   * once it was enabled and then turned off, undefined if never enabled.
   */
  readonly versioning?: 'enabled' | 'disabled';
  /**
   * The gateway's own container items (X-Container-Meta-S3gw-<name>) by short
   * name: the value when its seal verifies, null when it is there but does not
   * (written outside the gateway, or under another key): the caller decides
   * what is safe to assume then.
   */
  readonly reserved: Readonly<Record<string, string | null>>;
}

/** The content headers Swift keeps with an object (object-server allowed_headers), Content-Type aside. */
export const STORED_CONTENT_HEADERS = ['content-encoding', 'content-disposition', 'cache-control', 'expires', 'content-language'] as const;

export interface ObjectInfo {
  /** The whole object's size (a ranged answer's Content-Range total). */
  readonly size: number;
  /** This answer's Content-Length (a range's length for 206). */
  readonly length: number;
  /** Swift's ETag, unquoted: the MD5, or for a manifest Swift's own manifest ETag. */
  readonly etag: string;
  /** Last-Modified as S3 reports it: Swift's, or the first-written time a move kept (`since`). */
  readonly lastModified?: string;
  /**
   * When its content was first written (ms since the epoch): the time a move
   * (a storage class change) kept, else Swift's X-Timestamp. What a later
   * move keeps.
   */
  readonly writtenMs?: number;
  /** The gateway kept a first-written time on it (verified or not): a copy, a new object, must not carry that along. */
  readonly namesSince?: boolean;
  readonly contentRange?: string;
  /** As clients see it: without the gateway's parameters. */
  readonly contentType?: string;
  /** The stored content headers other than Content-Type (lower-case names). */
  readonly contentHeaders: Readonly<Record<string, string>>;
  /** X-Object-Meta-* headers as Swift sent them, the gateway's reserved ones left out. */
  readonly userMetadata: Readonly<Record<string, string>>;
  /** The gateway's reserved items, when their seal verifies (else none). */
  readonly reserved: Reserved;
  /** A multipart object's S3 ETag as the gateway stored it, when its seal verifies. */
  readonly storedEtag?: string;
  /** A part's checksum (`<algorithm>.<hex>`) kept in its Content-Type, when its seal verifies (SwiftStore.putObject listedChecksum). */
  readonly listedChecksum?: string;
  /** The S3 storage class the gateway named on it (a class not its bucket's), when its seal verifies. */
  readonly storageClass?: string;
  /** Swift holds it as a static large object manifest. */
  readonly isManifest: boolean;
  /** The gateway stored an ETag on it (verified or not): a copy must not carry that along. */
  readonly hasStoredEtag: boolean;
  /** The gateway named a class on it (verified or not): a copy must not carry that along. */
  readonly namesClass?: boolean;
  /** Names of every reserved header the object carries (verified or not): a copy blanks them. */
  readonly reservedHeaders: readonly string[];
  /** Swift's object version id (X-Object-Version-Id): a timestamp, or 'null'; undefined where versioning never was. */
  readonly versionId?: string;
  /** Where Swift found the bytes when it followed a symlink (Content-Location: `/v1/<account>/<container>/<object>`). */
  readonly followedTo?: string;
  /** A dynamic large object (X-Object-Manifest: its segments are whatever a prefix lists). */
  readonly isDynamicManifest: boolean;
  /** When Swift's object expirer deletes it (X-Delete-At, Unix seconds), if it is to. */
  readonly deleteAt?: number;
}

const num = (value: string | undefined): number => (value === undefined ? 0 : Number(value) || 0);

export function containerInfo(container: string, headers: Readonly<Record<string, string>>, sealer: Sealer): ContainerInfo {
  const reserved: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(CONTAINER_RESERVED) || value === '') continue;
    const short = name.slice(CONTAINER_RESERVED.length);
    reserved[short] = sealer.openValue(container, short, value);
  }
  return {
    reserved,
    objectCount: num(headers['x-container-object-count']),
    bytesUsed: num(headers['x-container-bytes-used']),
    storagePolicy: headers['x-storage-policy'],
    read: headers['x-container-read'],
    write: headers['x-container-write'],
    versioning: headers['x-versions-enabled'] === undefined ? undefined : headers['x-versions-enabled'].toLowerCase() === 'true' ? 'enabled' : 'disabled',
  };
}

/** An object's whole size from a GET/HEAD answer: Content-Range's total, else Content-Length. */
export function sizeOf(headers: Readonly<Record<string, string>>): number {
  const range = headers['content-range'];
  const total = range === undefined ? undefined : /\/(\d+)$/.exec(range)?.[1];
  return num(total ?? headers['content-length']);
}

export function objectInfo(container: string, object: string, headers: Readonly<Record<string, string>>, sealer: Sealer): ObjectInfo {
  const size = sizeOf(headers);
  const target = { container, object, size };
  const contentHeaders: Record<string, string> = {};
  for (const name of STORED_CONTENT_HEADERS) {
    const value = headers[name];
    if (value !== undefined) contentHeaders[name] = value;
  }
  const userMetadata: Record<string, string> = {};
  const reservedHeaders: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-object-meta-')) continue;
    // (An item blanked by a copy may be kept with an empty value: it is not there.)
    if (name.startsWith('x-object-meta-s3gw-')) {
      if (value !== '') reservedHeaders.push(name);
    } else userMetadata[name] = value;
  }
  const rawType = headers['content-type'];
  const since = hasSinceParam(rawType) ? sealer.verifiedSince(target, rawType) : undefined;
  const stamped = Number(headers['x-timestamp']);
  return {
    size,
    length: num(headers['content-length']),
    etag: (headers['etag'] ?? '').replace(/^"|"$/g, ''),
    // (Swift's own Last-Modified is its timestamp rounded up to the second.)
    lastModified: since === undefined ? headers['last-modified'] : new Date(Math.ceil(since / 1000) * 1000).toUTCString(),
    writtenMs: since ?? (Number.isFinite(stamped) && stamped > 0 ? stamped * 1000 : undefined),
    namesSince: hasSinceParam(rawType),
    contentRange: headers['content-range'],
    contentType: plainContentType(rawType),
    contentHeaders,
    userMetadata,
    reserved: reservedHeaders.length === 0 ? {} : sealer.verified(target, headers),
    storedEtag: hasEtagParams(rawType) ? sealer.verifiedEtag(target, rawType) : undefined,
    listedChecksum: sealer.verifiedChecksum(target, rawType),
    storageClass: hasClassParam(rawType) ? sealer.verifiedClass(target, rawType) : undefined,
    isManifest: headers['x-static-large-object']?.toLowerCase() === 'true',
    hasStoredEtag: hasEtagParams(rawType),
    namesClass: hasClassParam(rawType),
    reservedHeaders,
    versionId: headers['x-object-version-id'],
    followedTo: headers['content-location'],
    isDynamicManifest: headers['x-object-manifest'] !== undefined,
    deleteAt: headers['x-delete-at'] === undefined ? undefined : Number(headers['x-delete-at']) || undefined,
  };
}
