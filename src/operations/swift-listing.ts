// Swift JSON listings (account and container), as the gateway reads them.
import { readText, type SwiftResponse } from '../swift/client.js';

export interface SwiftObjectRow {
  readonly name?: string;
  readonly subdir?: string;
  readonly hash?: string;
  readonly bytes?: number;
  readonly content_type?: string;
  readonly last_modified?: string;
}

export interface SwiftContainerRow {
  readonly name: string;
  readonly count?: number;
  readonly bytes?: number;
  readonly last_modified?: string;
}

export async function readJsonListing<T>(res: SwiftResponse): Promise<T[]> {
  if (res.status === 204) {
    res.body.resume();
    return [];
  }
  const text = await readText(res);
  return text === '' ? [] : (JSON.parse(text) as T[]);
}

/**
 * Swift quirk: listings give `2009-10-12T17:50:30.123456` (UTC, microseconds,
 * no zone). S3 wants milliseconds and `Z`.
 */
export function parseSwiftTimestamp(value: string | undefined): Date {
  if (!value) return new Date(0);
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,3})?\d*/.exec(value);
  return new Date(m ? `${m[1]}${m[2] ?? ''}Z` : value);
}

/**
 * The S3 ETag of a listing row. Swift's s3api stores a multipart object's S3 ETag
 * as a `; s3_etag=<etag>` parameter of the listing hash, this gateway as an
 * `s3gw_etag` parameter of the content type (see multipart-layout.ts); other
 * rows carry the plain MD5.
 */
export function listingEtag(hash: string | undefined, contentType?: string): string {
  const stored = contentType === undefined ? undefined : /;\s*s3gw_etag=([^;]+)/.exec(contentType)?.[1];
  if (stored) return `"${stored}"`;
  if (!hash) return '""';
  const [plain, ...params] = hash.split(';');
  for (const param of params) {
    const [name, value] = param.trim().split('=');
    if (name === 's3_etag' && value) return `"${value}"`;
  }
  return `"${plain!.trim().replace(/"/g, '')}"`;
}
