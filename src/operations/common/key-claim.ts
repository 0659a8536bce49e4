// Compare-and-write for one key. Swift has no conditional PUT that holds
// under concurrency: its object server checks If-None-Match: * when a PUT
// starts, so two overlapping PUTs both succeed, and it has no If-Match on
// writes at all. A conditional write (If-None-Match / If-Match on PutObject,
// CopyObject, CompleteMultipartUpload; If-Match on DeleteObject) therefore
// first wins an election for the key, the way the bucket registry elects a
// name's owner (src/namespace/registry.ts):
//
//   1. list the key's claims; while another live claim is there, wait (the
//      holder is writing) and look again;
//   2. write a claim object of its own, `<key>/.claim.<uuid>/0` in
//      `<bucket>+segments`, and list again: seeing only its own claim, it
//      has won; seeing others, it withdraws (deletes its claim), waits a
//      random moment and tries again; except the oldest of the colliding
//      claims, which stays put for a while and looks again, so that the
//      others, retrying, find it and wait (progress under contention).
//
// Two claimants cannot both see only their own claim: whichever listed last
// listed after the other's claim was written (Swift lists an object before
// its PUT returns, on a healthy cluster). The winner checks the condition
// against the object as it is now, writes, and deletes its claim; conditional
// writers of the key are thus serialised. A claimant still waiting when its
// time runs out answers 409 ConditionalRequestConflict (S3's "retry").
//
// A holder refreshes its claim every HEARTBEAT_MS while it works (a long
// upload); a claim not refreshed for LEASE_MS belongs to a gateway that died
// and is ignored (and removed). Swift's expirer removes forgotten claims too.
//
// The names end in `/0`, which upload listings hide (see multipart/layout.ts),
// and `.claim.` is not a character sequence of upload ids (base64url), so a
// claim is never taken for an upload or a part.
import { randomUUID } from 'node:crypto';
import { s3Error } from '../../s3/errors.js';
import { SwiftError } from '../../swift/errors.js';
import type { ObjectRow } from '../../swift/store.js';
import type { OperationContext } from '../context.js';
import { parseSwiftTimestamp } from './listing-rows.js';
import { ensureSegmentsContainer, segmentsContainer } from './segments.js';

/** How often a holder rewrites its claim. */
export const HEARTBEAT_MS = 10_000;
/** A claim older than this (not refreshed) is a dead holder's. Much longer than a heartbeat, and than clock skew between gateway and Swift. */
export const LEASE_MS = 60_000;
/** How long a conditional write waits for the key before answering ConditionalRequestConflict. */
export const CLAIM_WAIT_MS = 5_000;
/** How many times in a row the oldest of colliding claims looks again before it withdraws too. */
const MAX_STAYS = 20;
/** Swift's expirer removes a claim nobody deleted after this. */
const EXPIRE_AFTER_SECONDS = 600;

/** Claims read per look. */
const MAX_LISTED = 1000;

const CLAIM = /^\.claim\.([0-9a-f-]{36})\/0$/;

export const claimPrefix = (key: string): string => `${key}/.claim.`;
export const claimName = (key: string, id: string): string => `${key}/.claim.${id}/0`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

interface LiveClaim {
  readonly name: string;
  /** Swift's timestamp of the claim (its last write), ms. */
  readonly at: number;
}

/** The key's claims as the listing shows them now; dead ones (older than the lease) are removed on the way. */
async function claimsOf(ctx: OperationContext, bucket: string, key: string, now: () => number): Promise<LiveClaim[]> {
  const container = segmentsContainer(bucket);
  const prefix = claimPrefix(key);
  const live: LiveClaim[] = [];
  // One page: a key has as many claims as writers racing for it.
  let rows: ObjectRow[];
  try {
    rows = await ctx.store.listObjects(container, { prefix, limit: MAX_LISTED });
  } catch (err) {
    if (err instanceof SwiftError && err.status === 404) return live; // no segments container yet
    throw err;
  }
  // A full page (keys named like claims, by the thousand): no claimant can
  // know it is alone, so none wins; the requests answer 409.
  if (rows.length === MAX_LISTED) live.push({ name: '', at: 0 });
  {
    for (const row of rows) {
      // `<key>/` then `.claim.<uuid>/0` exactly: not an upload of a longer key that starts so.
      if (!CLAIM.test(row.name!.slice(key.length + 1))) continue;
      const at = parseSwiftTimestamp(row.last_modified).getTime();
      if (now() - at > LEASE_MS) {
        await ctx.store.deleteObject(container, row.name!);
        continue;
      }
      live.push({ name: row.name!, at });
    }
  }
  return live;
}

/** Whether `mine` is the oldest claim listed (Swift's timestamp, then the name): the one that stays put in a collision. */
function isOldest(claims: readonly LiveClaim[], mine: string): boolean {
  const me = claims.find((c) => c.name === mine);
  return me !== undefined && claims.every((c) => c.name === mine || c.at > me.at || (c.at === me.at && c.name > mine));
}

async function writeClaim(ctx: OperationContext, bucket: string, name: string): Promise<void> {
  if ((await ctx.store.putClaim(segmentsContainer(bucket), name, EXPIRE_AFTER_SECONDS)) === 'written') return;
  // The first claim (or multipart upload) in this bucket: make its segments container.
  await ensureSegmentsContainer(ctx, bucket);
  if ((await ctx.store.putClaim(segmentsContainer(bucket), name, EXPIRE_AFTER_SECONDS)) === 'no-container') {
    throw s3Error('NoSuchBucket', { BucketName: bucket });
  }
}

export interface ClaimOptions {
  readonly now?: () => number;
  readonly waitMs?: number;
}

/**
 * Runs `work` while this request alone holds the key's claim among
 * conditional requests (see above). 409 ConditionalRequestConflict when the
 * key stayed busy for CLAIM_WAIT_MS.
 */
export async function withKeyClaim<T>(ctx: OperationContext, bucket: string, key: string, work: () => Promise<T>, opts: ClaimOptions = {}): Promise<T> {
  const now = opts.now ?? Date.now;
  const deadline = now() + (opts.waitMs ?? CLAIM_WAIT_MS);
  const mine = claimName(key, randomUUID());
  const container = segmentsContainer(bucket);
  let written = false;
  let stays = 0;
  try {
    for (let round = 0; ; round++) {
      if (written || (await claimsOf(ctx, bucket, key, now)).length === 0) {
        if (!written) await writeClaim(ctx, bucket, mine);
        written = true;
        const after = await claimsOf(ctx, bucket, key, now);
        // The only claim listed: this request holds the key (the one rule that decides).
        if (after.length === 1 && after[0]!.name === mine) {
          written = false; // holding() deletes it from now on
          return await holding(ctx, bucket, mine, work);
        }
        // A collision. The oldest claim stays put a while, the others withdraw
        // and then wait for it: someone wins even when many keep colliding.
        // (Staying never decides anything: it still wins only when alone.)
        if (isOldest(after, mine) && stays < MAX_STAYS) {
          stays++;
          await sleep(10 + Math.random() * 30);
          continue;
        }
        await ctx.store.deleteObject(container, mine);
        written = false;
        stays = 0;
      }
      if (now() >= deadline) {
        throw s3Error('ConditionalRequestConflict', { Key: key }, 'A conflicting conditional operation on this key is in progress; retry the request.');
      }
      // A random pause, longer each round: two claimants that keep colliding part.
      await sleep(Math.random() * Math.min(500, 40 * (round + 1)));
    }
  } finally {
    if (written) await ctx.store.deleteObject(container, mine).catch(() => undefined);
  }
}

async function holding<T>(ctx: OperationContext, bucket: string, mine: string, work: () => Promise<T>): Promise<T> {
  const container = segmentsContainer(bucket);
  let beat: Promise<unknown> = Promise.resolve();
  const heartbeat = setInterval(() => {
    beat = ctx.store.putClaim(container, mine, EXPIRE_AFTER_SECONDS).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    // A rewrite still on its way would bring the claim back after its deletion.
    await beat;
    // If this fails the claim lapses after LEASE_MS; the write itself stands.
    await ctx.store.deleteObject(container, mine).catch(() => undefined);
  }
}
