// Request ids in Swift's format, for responses the gateway answers before any
// Swift call: `tx` + 21 hex digits + `-` + the time as 10 hex digits
// (swift.common.utils.generate_trans_id).
import { randomBytes } from 'node:crypto';

export function generateTransId(now: number = Date.now()): string {
  const random = randomBytes(11).toString('hex').slice(0, 21);
  const seconds = Math.floor(now / 1000).toString(16).padStart(10, '0');
  return `tx${random}-${seconds}`;
}
