// Constant-time comparison of signatures, so response timing says nothing about
// how much of a forged signature was right.
import { timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of two signature strings, whatever their lengths. */
export function signaturesEqual(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a); // same work either way
    return false;
  }
  return timingSafeEqual(a, b);
}
