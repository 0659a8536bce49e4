// readObjectTags (the interface other features use, lifecycle's Tag filters
// among them): which Swift calls it makes for where an object's tags are, on a
// stub store that records them.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { OperationContext } from '../../../../src/operations/context.js';
import { readObjectTags } from '../../../../src/operations/tagging/object-tags.js';
import { encodeRecordBody } from '../../../../src/operations/tagging/records.js';
import { isS3Error } from '../../../../src/s3/errors.js';
import type { ContainerInfo, ObjectInfo, SwiftStore } from '../../../../src/swift/store.js';

const info = (over: Partial<ObjectInfo> = {}): ObjectInfo => ({
  size: 1, length: 1, etag: 'e', contentHeaders: {}, userMetadata: {}, reserved: {}, isManifest: false, hasStoredEtag: false,
  reservedHeaders: [], isDynamicManifest: false, ...over,
});
const keyHash = createHash('sha256').update('photos/cat.jpg', 'utf8').digest('hex');

/** A store with one object, a container flag and some records; every call it gets is logged. */
function rig(opts: { object?: ObjectInfo; flag?: boolean; records?: Record<string, { tags: Map<string, string>; digest?: string }> }) {
  const calls: string[] = [];
  const store = {
    location: async () => 'http://swift/v1/AUTH_p',
    findObject: async (container: string, object: string) => { calls.push(`HEAD ${container}/${object}`); return opts.object; },
    headContainer: async (container: string): Promise<ContainerInfo> => {
      calls.push(`HEAD ${container}`);
      return { objectCount: 0, bytesUsed: 0, reserved: opts.flag ? { 'tag-records': '1' } : {}, versioning: 'enabled' };
    },
    readObject: async (container: string, object: string) => {
      calls.push(`GET ${container}/${object}`);
      const record = opts.records?.[object];
      if (!record) return undefined;
      const body = encodeRecordBody(record.tags);
      const digest = record.digest ?? createHash('sha256').update(body).digest('hex');
      return { answer: 'whole', info: info({ reserved: { 'tags-sha256': digest } }), body: Readable.from([body]) };
    },
  } as unknown as SwiftStore;
  return { ctx: { store } as OperationContext, calls };
}

describe('readObjectTags', () => {
  it('tags written with the object: read from the HEAD the caller passes, no Swift call at all', async () => {
    const { ctx, calls } = rig({});
    const tags = await readObjectTags(ctx, 'bkt', 'photos/cat.jpg', undefined, info({ reserved: { tags: 'a=1&b=%ED%82%A4' } }));
    expect([...tags]).toEqual([['a', '1'], ['b', '키']]);
    expect(calls).toEqual([]);
  });

  it('without `info`: one HEAD of the object (of the version asked for)', async () => {
    const { ctx, calls } = rig({ object: info({ reserved: { tags: 'a=1' } }) });
    expect([...(await readObjectTags(ctx, 'bkt', 'photos/cat.jpg', '1700000000.00000'))]).toEqual([['a', '1']]);
    expect(calls).toEqual(['HEAD bkt/photos/cat.jpg']);
  });

  it('a version in a bucket without records: the bucket flag (one container HEAD, cached by the app), no record lookup', async () => {
    const { ctx, calls } = rig({ flag: false });
    expect((await readObjectTags(ctx, 'bkt', 'photos/cat.jpg', undefined, info({ versionId: '1700000000.00001' }))).size).toBe(0);
    expect(calls).toEqual(['HEAD bkt']);
  });

  it('a version in a bucket with records: its record, named by its version id, supersedes what it was written with', async () => {
    const { ctx, calls } = rig({ flag: true, records: { [`${keyHash}/1700000000.00001`]: { tags: new Map([['changed', 'yes']]) } } });
    const tags = await readObjectTags(ctx, 'bkt', 'photos/cat.jpg', undefined, info({ versionId: '1700000000.00001', reserved: { tags: 'old=1' } }));
    expect([...tags]).toEqual([['changed', 'yes']]);
    expect(calls).toEqual(['HEAD bkt', `GET bkt+tags/${keyHash}/1700000000.00001`]);
  });

  it('an object naming a write id: its record, whatever the flag; a record that does not verify is none', async () => {
    const good = rig({ records: { [`${keyHash}/ref1`]: { tags: new Map([['big', 'set']]) } } });
    expect([...(await readObjectTags(good.ctx, 'bkt', 'photos/cat.jpg', undefined, info({ reserved: { 'tag-ref': 'ref1' } })))]).toEqual([['big', 'set']]);
    expect(good.calls).toEqual([`GET bkt+tags/${keyHash}/ref1`]);
    const forged = rig({ records: { [`${keyHash}/ref1`]: { tags: new Map([['forged', '1']]), digest: 'not-it' } } });
    expect((await readObjectTags(forged.ctx, 'bkt', 'photos/cat.jpg', undefined, info({ reserved: { 'tag-ref': 'ref1' } }))).size).toBe(0);
  });

  it('an unversioned object never looks for version records (its null version id names no single write)', async () => {
    const { ctx, calls } = rig({ flag: true });
    expect((await readObjectTags(ctx, 'bkt', 'photos/cat.jpg', undefined, info({ versionId: 'null' }))).size).toBe(0);
    expect(calls).toEqual([]);
  });

  it('a missing object is NoSuchKey, a missing version NoSuchVersion', async () => {
    const { ctx } = rig({});
    for (const [versionId, code] of [[undefined, 'NoSuchKey'], ['1700000000.00001', 'NoSuchVersion']] as const) {
      const err = await readObjectTags(ctx, 'bkt', 'photos/cat.jpg', versionId).catch((e: unknown) => e);
      expect(isS3Error(err) && err.code).toBe(code);
    }
  });
});
