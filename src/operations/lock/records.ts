// Lock changes made after a version was written (PutObjectRetention,
// PutObjectLegalHold). Swift quirk: object_versioning refuses a POST with
// ?version-id (only COPY, GET, HEAD and DELETE reach an older version), and
// a POST to the key lands on whatever version is current at that moment, so
// a version's own metadata can be written only once, with the version. A
// change is therefore kept beside it, in the bucket's hidden `<bucket>+locks`
// container, one empty object per version and kind, its state in sealed
// reserved items bound to the record's name:
//   <bucket>+locks/<sha256 of the key>/<version id>/retention
//   <bucket>+locks/<sha256 of the key>/<version id>/legal-hold
// A record supersedes what the version was written with (it can only be
// newer). Retention and legal hold are separate objects so that two clients
// changing one each never undo the other's change.
import { createHash } from 'node:crypto';
import type { ObjectInfo } from '../../swift/store.js';
import type { OperationContext } from '../context.js';
import { putCreatingContainer } from '../common/record-container.js';
import { locksContainer } from './layout.js';
import { lockItems, readLockItems, type LockState, type Retention } from './state.js';

export { LOCKS_SUFFIX, locksContainer } from './layout.js';

export type RecordKind = 'retention' | 'legal-hold';

export function recordName(key: string, versionId: string, kind: RecordKind): string {
  return `${createHash('sha256').update(key, 'utf8').digest('hex')}/${versionId}/${kind}`;
}

interface RecordRead {
  /** undefined: no record; null: retention removed. */
  readonly retention?: Retention | null;
  readonly legalHold?: boolean;
  readonly unverified: boolean;
}

function readRecord(info: ObjectInfo | undefined): RecordRead {
  if (!info) return { unverified: false };
  // Every record the gateway writes has verified items: one without is not the gateway's.
  return { ...readLockItems(info.reserved), unverified: Object.keys(info.reserved).length === 0 };
}

/** The lock of a version: what it was written with, superseded by its records. */
export async function withRecords(ctx: OperationContext, bucket: string, key: string, versionId: string, written: LockState): Promise<LockState> {
  const container = locksContainer(bucket);
  const [retention, hold] = await Promise.all(
    (['retention', 'legal-hold'] as const).map(async (kind) => readRecord(await ctx.store.findObject(container, recordName(key, versionId, kind)))),
  );
  return {
    retention: retention!.retention === undefined ? written.retention : retention!.retention ?? undefined,
    legalHold: hold!.legalHold ?? written.legalHold,
    // A record replaces an unverifiable item of the same kind only if it verifies itself.
    unverified: retention!.unverified || hold!.unverified || (written.unverified && (retention!.retention === undefined || hold!.legalHold === undefined)),
  };
}

/** Writes one record (the container is made on first use). */
export async function writeRecord(ctx: OperationContext, bucket: string, key: string, versionId: string, change: { retention?: Retention | null; legalHold?: boolean }): Promise<void> {
  const kind: RecordKind = change.legalHold === undefined ? 'retention' : 'legal-hold';
  const container = locksContainer(bucket);
  const put = () => ctx.store.putObject(container, recordName(key, versionId, kind), { body: '', length: 0, headers: { 'content-type': 'application/octet-stream' }, reserved: lockItems(change) });
  await putCreatingContainer(ctx, bucket, container, put);
}

/** Removes a deleted version's records (a record left behind is harmless: no version has its id again). */
export async function deleteRecords(ctx: OperationContext, bucket: string, key: string, versionId: string): Promise<void> {
  await ctx.store.deleteObjects(locksContainer(bucket), (['retention', 'legal-hold'] as const).map((kind) => recordName(key, versionId, kind)));
}

/** With the bucket deleted (so no version is left), its records container and whatever is in it. */
export async function deleteLocksContainer(ctx: OperationContext, bucket: string): Promise<void> {
  const container = locksContainer(bucket);
  for await (const page of ctx.store.listPages(container, {}, { missingOk: true })) {
    await ctx.store.deleteObjects(container, page.map((row) => row.name!));
  }
  if (await ctx.store.containerExists(container)) await ctx.store.deleteContainer(container);
}
