// Swift's JSON listings (account and container), as the typed layer reads them.
// https://docs.openstack.org/api-ref/object-store/#show-container-details-and-list-objects

/** A container listing row: an object, or with a delimiter a `subdir` (a common prefix). */
export interface ObjectRow {
  readonly name?: string;
  readonly subdir?: string;
  /** The object's ETag; Swift's s3api appends `; s3_etag=<etag>` for its multipart objects. */
  readonly hash?: string;
  readonly bytes?: number;
  readonly content_type?: string;
  /** `2009-10-12T17:50:30.123456`: UTC, microseconds, no zone. */
  readonly last_modified?: string;
  /** In a `?versions` listing: the version id ('null' for an unversioned object) and whether it is the current one. */
  readonly version_id?: string;
  readonly is_latest?: boolean;
}

/** Swift quirk: object versioning lists a delete marker as a zero-byte version with this content type. */
export const DELETE_MARKER_CONTENT_TYPE = 'application/x-deleted;swift_versions_deleted=1';

export interface ContainerRow {
  readonly name: string;
  readonly count?: number;
  readonly bytes?: number;
  readonly last_modified?: string;
}

/** The rows of a listing body (`[]` for an empty one). */
export function parseListing<T>(text: string): T[] {
  return text === '' ? [] : (JSON.parse(text) as T[]);
}
