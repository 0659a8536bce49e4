// An object's website redirect (x-amz-website-redirect-location): kept as a
// sealed reserved item, returned on GetObject and HeadObject, and followed by
// the website endpoint (http/website.ts) with a 301.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-to-page-redirect.html
import { s3Error } from '../../s3/errors.js';
import type { Reserved } from '../../swift/sealed-state.js';

export const WEBSITE_REDIRECT_ITEM = 'website-redirect';
const HEADER = 'x-amz-website-redirect-location';

/** The reserved item for a request's redirect, if it has one; S3's error for one it refuses. */
export function requestedWebsiteRedirect(headers: Readonly<Record<string, string>>): Reserved {
  const value = headers[HEADER]?.trim();
  if (value === undefined) return {};
  // Swift holds 256 bytes a metadata value; S3 allows 2 KB, so a longer one is refused plainly.
  if (!/^(\/|https?:\/\/)/.test(value) || Buffer.byteLength(value) > 256) {
    throw s3Error('InvalidArgument', { ArgumentName: HEADER, ArgumentValue: value.slice(0, 100) }, "The website redirect location must have a prefix of 'http://' or 'https://' or '/', and be at most 256 bytes here.");
  }
  return { [WEBSITE_REDIRECT_ITEM]: value };
}

/** The response header of an object that has a redirect. */
export function websiteRedirectHeader(reserved: Reserved): Record<string, string> {
  const value = reserved[WEBSITE_REDIRECT_ITEM];
  return value === undefined ? {} : { [HEADER]: value };
}
