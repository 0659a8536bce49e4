// Who runs a bucket's lifecycle now, and where its last run stopped. Runners
// may start in several places at once (a CronJob overlapping a manual run, two
// clusters): each bucket is worked on by one of them at a time, under a lease
// held as an election Swift can decide, as the bucket registry does
// (namespace/registry.ts): every claimant writes a claim object of its own
// (`lease/<bucket>/<nonce>`, with X-Delete-After, so a runner that dies frees
// the bucket once its lease time has passed), then lists the bucket's claims.
// One that sees only its own holds the lease; one that sees others withdraws,
// and tries again after a random pause unless a holder is still there.
// The state (`state/<bucket>`: the walk's phase and marker) is saved as the
// walk goes, so a run that stops is resumed by the next one.
import { randomUUID } from 'node:crypto';
import type { SwiftStore } from '../swift/store.js';

export interface WalkState {
  readonly phase: 'uploads' | 'reconcile' | 'objects' | 'segments';
  /** The last name done in that phase (the walk goes on after it). */
  readonly marker?: string;
  /** When the interrupted run started (ISO 8601), for its progress line. */
  readonly started: string;
}

const ROUNDS = 6;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class BucketLease {
  #renewed = Date.now();

  constructor(private readonly store: SwiftStore, private readonly container: string, readonly bucket: string, private readonly claim: string, private readonly seconds: number) {}

  /** Writes the claim again (its X-Delete-After starts over) when a third of the lease time has passed. */
  async renew(): Promise<void> {
    if (Date.now() - this.#renewed < (this.seconds * 1000) / 3) return;
    await this.store.putClaim(this.container, this.claim, this.seconds);
    this.#renewed = Date.now();
  }

  async release(): Promise<void> {
    await this.store.deleteObject(this.container, this.claim);
  }

  async state(): Promise<WalkState | undefined> {
    const doc = await this.store.readDocument(this.container, stateName(this.bucket));
    if (!doc) return undefined;
    try {
      const state = JSON.parse(doc.text) as WalkState;
      return ['uploads', 'reconcile', 'objects', 'segments'].includes(state.phase) ? state : undefined;
    } catch {
      return undefined;
    }
  }

  async save(state: WalkState): Promise<void> {
    await this.store.writeDocument(this.container, stateName(this.bucket), JSON.stringify(state));
  }

  /** The walk finished: the next run starts from the beginning. */
  async finish(): Promise<void> {
    await this.store.deleteObject(this.container, stateName(this.bucket));
  }
}

const stateName = (bucket: string): string => `state/${bucket}`;
const claimsPrefix = (bucket: string): string => `lease/${bucket}/`;

async function claims(store: SwiftStore, container: string, bucket: string): Promise<string[]> {
  const rows = await store.listObjects(container, { prefix: claimsPrefix(bucket), limit: 100 }).catch((err: unknown) => {
    if ((err as { status?: number }).status === 404) return [];
    throw err;
  });
  return rows.flatMap((r) => (r.name ? [r.name] : []));
}

/** The bucket's lease, or undefined when another runner holds it. */
export async function acquireLease(store: SwiftStore, container: string, bucket: string, seconds: number): Promise<BucketLease | undefined> {
  for (let round = 0; round < ROUNDS; round++) {
    const mine = `${claimsPrefix(bucket)}${randomUUID()}`;
    if ((await store.putClaim(container, mine, seconds)) === 'no-container') {
      await store.putContainer(container);
      await store.putClaim(container, mine, seconds);
    }
    const seen = await claims(store, container, bucket);
    if (seen.length === 1 && seen[0] === mine) return new BucketLease(store, container, bucket, mine, seconds);
    await store.deleteObject(container, mine);
    await sleep(50 + Math.random() * 150 * (round + 1));
    // Someone still holds it (it did not withdraw): its bucket, this time.
    if ((await claims(store, container, bucket)).length > 0) return undefined;
  }
  return undefined;
}
