// Shared by the ACL model's tests: the S3 error a call throws, and ACLs compared as sets.
import { expect } from 'vitest';
import { isS3Error, type S3Error } from '../../../../src/s3/errors.js';
import type { Grant, Owner } from '../../../../src/access/acl/index.js';

export const OWNER: Owner = { id: '0123456789abcdef0123456789abcdef', displayName: 'owner-project' };
export const OTHER: Owner = { id: 'fedcba9876543210fedcba9876543210', displayName: 'other-project' };
export const THIRD = 'aaaabbbbccccddddeeeeffff00001111';

export function errorOf(fn: () => unknown): S3Error {
  try {
    fn();
  } catch (err) {
    if (isS3Error(err)) return err;
    throw err;
  }
  throw new Error('expected an S3 error, nothing was thrown');
}

export async function asyncErrorOf(fn: () => Promise<unknown>): Promise<S3Error> {
  try {
    await fn();
  } catch (err) {
    if (isS3Error(err)) return err;
    throw err;
  }
  throw new Error('expected an S3 error, nothing was thrown');
}

/** A grant as one comparable string, display names aside. */
export const key = (g: Grant): string => `${g.permission} ${g.grantee.type === 'Group' ? g.grantee.uri : g.grantee.id}`;

export function expectSameGrants(actual: readonly Grant[], expected: readonly Grant[]): void {
  expect([...actual.map(key)].sort()).toEqual([...expected.map(key)].sort());
}
