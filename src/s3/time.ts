// Date formats S3 uses: ISO 8601 with milliseconds in XML, RFC 7231 in headers.

/**
 * A point in time for an XML document: a Date, or text already in
 * isoTimestamp's form (listings convert Swift's timestamps by slicing, without
 * a Date per row: operations/swift-listing.ts swiftIsoTimestamp).
 */
export type S3Timestamp = Date | string;

/** `2009-10-12T17:50:30.000Z`, the form S3 uses in XML documents. */
export function isoTimestamp(date: S3Timestamp): string {
  return typeof date === 'string' ? date : date.toISOString();
}

/** `Mon, 12 Oct 2009 17:50:30 GMT`, the form S3 uses in Last-Modified and Date headers. */
export function httpDate(date: Date): string {
  return date.toUTCString();
}

/**
 * Parses the date forms clients put in Date / x-amz-date: RFC 7231 (and the
 * obsolete RFC 850 / asctime forms Date.parse understands) and ISO 8601 basic
 * `20130524T000000Z` as SigV4 uses. Undefined when unparseable.
 */
export function parseClientDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value.trim());
  const ms = basic
    ? Date.UTC(+basic[1]!, +basic[2]! - 1, +basic[3]!, +basic[4]!, +basic[5]!, +basic[6]!)
    : Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
