// The S3Error a function throws, for tests that check code and details.
import { S3Error } from '../../src/s3/errors.js';

export function s3ErrorOf(fn: () => unknown): S3Error {
  try {
    fn();
  } catch (err) {
    if (err instanceof S3Error) return err;
    throw err;
  }
  throw new Error('expected an S3Error');
}

/** `<status> <code>` of the S3Error an (async) function throws, or undefined when it throws none. */
export async function s3ErrorCode(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof S3Error) return `${err.status} ${err.code}`;
    throw err;
  }
  return undefined;
}
