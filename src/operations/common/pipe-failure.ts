// A request body's failure (a bad x-amz-content-sha256, a checksum, a chunk
// signature) can happen before an operation pipes it anywhere: a short body is
// read and verified as soon as it arrives, while the operation still awaits
// Swift or Keystone. A stream that already failed emits no more 'error', so a
// listener attached afterwards never hears of it, and whatever was piped from
// it waits for an end that never comes (found by the fuzzer: a chunked PUT
// with a wrong x-amz-content-sha256 got no answer at all).
import type { Readable, Writable } from 'node:stream';

/** Pipes `from` into `into`, passing on `from`'s failure, also one that happened already. */
export function pipeWithFailure<T extends Writable>(from: Readable, into: T): T {
  if (from.errored) {
    into.destroy(from.errored);
    return into;
  }
  from.once('error', (err) => into.destroy(err));
  return from.pipe(into);
}

/** Throws the failure a body already had: nothing may be written from it. */
export function throwIfFailed(body: Readable): void {
  if (body.errored) throw body.errored;
}
