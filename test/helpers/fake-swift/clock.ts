// Time as Swift writes it. A Swift timestamp has 10 µs resolution
// (swift.common.utils.Timestamp): X-Timestamp `1796131549.70342`, listings
// `2026-12-01T13:25:49.703420`, Last-Modified the HTTP date of the timestamp
// rounded UP to the second (Timestamp.ceil()).

/** A Swift timestamp in units of 10 µs. */
export type Stamp = number;

export class Clock {
  #last: Stamp = 0;

  constructor(readonly now: () => number = Date.now) {}

  /** A timestamp for a write now, always later than the one before (Swift refuses equal timestamps). */
  stamp(): Stamp {
    const t = Math.max(Math.floor(this.now() * 100), this.#last + 1);
    this.#last = t;
    return t;
  }

  seconds(): number {
    return this.now() / 1000;
  }
}

export function stampFromMs(ms: number): Stamp {
  return Math.floor(ms * 100);
}

/** Timestamp.normal: `%016.05f`. */
export function normal(t: Stamp): string {
  return `${Math.floor(t / 100_000)}.${String(t % 100_000).padStart(5, '0')}`;
}

/** Timestamp.isoformat: microseconds, no zone. */
export function isoformat(t: Stamp): string {
  const seconds = Math.floor(t / 100_000);
  return new Date(seconds * 1000).toISOString().slice(0, 19) + '.' + String((t % 100_000) * 10).padStart(6, '0');
}

/** Last-Modified: the HTTP date of Timestamp.ceil(). */
export function httpDate(t: Stamp): string {
  return new Date(Math.ceil(t / 100_000) * 1000).toUTCString();
}

/** The whole seconds of Timestamp.ceil() (what If-Modified-Since compares). */
export function ceilSeconds(t: Stamp): number {
  return Math.ceil(t / 100_000);
}

/** An HTTP date header as whole seconds, or undefined when swob could not parse it (then it is ignored). */
export function parseHttpDate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  // swob parses with email.utils.parsedate: RFC 1123 / 850 / asctime forms.
  const ms = Date.parse(value);
  if (!Number.isFinite(ms) || !/\d{4}|\d{2}:\d{2}/.test(value)) return undefined;
  return Math.floor(ms / 1000);
}
