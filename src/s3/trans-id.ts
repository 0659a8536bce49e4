// Request ids in Swift's format, for responses the gateway answers before any
// Swift call: `tx` + 21 hex digits + `-` + the time as 10 hex digits
// (swift.common.utils.generate_trans_id).
import { randomBytes } from 'node:crypto';

// Random bytes are drawn 4 KiB at a time: one randomBytes call per request
// showed in the profile (ids are not secrets; they only need to be unique).
const POOL_BYTES = 11 * 372;
let pool = Buffer.alloc(0);
let used = 0;

function randomHex11(): string {
  if (used + 11 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  const hex = pool.toString('hex', used, used + 11);
  used += 11;
  return hex;
}

export function generateTransId(now: number = Date.now()): string {
  const random = randomHex11().slice(0, 21);
  const seconds = Math.floor(now / 1000).toString(16).padStart(10, '0');
  return `tx${random}-${seconds}`;
}
