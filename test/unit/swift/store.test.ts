// The typed Swift layer over a scripted session: what each method sends, what
// it answers for each Swift status, that every unused body is released, and
// the two rules it alone knows (POST replaces all metadata; where reserved
// state and the multipart ETag live).
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { SwiftCall, SwiftResponse, SwiftSession } from '../../../src/swift/client.js';
import { SwiftError } from '../../../src/swift/errors.js';
import { SWIFT_DEFAULT_LIMITS } from '../../../src/swift/info.js';
import { Sealer } from '../../../src/swift/sealed-state.js';
import { SwiftStore } from '../../../src/swift/store.js';

interface Scripted {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** A session answering calls in order from a script; records calls and whether each body was read to its end or destroyed. */
function scripted(answers: Scripted[], limits = SWIFT_DEFAULT_LIMITS) {
  const calls: SwiftCall[] = [];
  const bodies: Readable[] = [];
  const session: SwiftSession = {
    identity: { kind: 'password', username: 'u', password: 'p', userDomain: 'Default', projectName: 'p' },
    async call(call) {
      calls.push(call);
      const answer = answers.shift();
      if (!answer) throw new Error(`unexpected call ${call.method} ${call.container}/${call.object}`);
      const body = Readable.from([Buffer.from(answer.body ?? '')]);
      bodies.push(body);
      return { status: answer.status, headers: answer.headers ?? {}, body } satisfies SwiftResponse;
    },
    account: async () => ({ token: 't', expiresAt: 0, storageUrl: 'http://swift/v1/AUTH_p', projectId: 'p', projectName: 'p', userId: 'u', userName: 'u', roles: [] }),
    limits: async () => limits,
    location: async () => 'http://swift/v1/AUTH_p',
  };
  const released = () => bodies.every((b) => b.readableEnded || b.destroyed);
  return { store: new SwiftStore(session, sealer), calls, released };
}

const sealer = new Sealer(Buffer.alloc(32, 3));
const failure = async (p: Promise<unknown>) => (await p.then(() => undefined, (e: unknown) => e)) as SwiftError;

describe('SwiftStore: every unexpected answer is a SwiftError, its body released', () => {
  const cases: [string, (s: SwiftStore) => Promise<unknown>, string][] = [
    ['headContainer', (s) => s.headContainer('c'), 'HEAD'],
    ['containerExists', (s) => s.containerExists('c'), 'HEAD'],
    ['putContainer', (s) => s.putContainer('c'), 'PUT'],
    ['deleteContainer', (s) => s.deleteContainer('c'), 'DELETE'],
    ['listObjects', (s) => s.listObjects('c', {}), 'GET'],
    ['listContainers', (s) => s.listContainers({ limit: 10 }), 'GET'],
    ['findObject', (s) => s.findObject('c', 'o'), 'HEAD'],
    ['readObject', (s) => s.readObject('c', 'o', 'GET'), 'GET'],
    ['putObject', (s) => s.putObject('c', 'o', { body: 'x', length: 1, headers: {} }), 'PUT'],
    ['deleteObject', (s) => s.deleteObject('c', 'o'), 'DELETE'],
    ['manifestOf', (s) => s.manifestOf('c', 'o'), 'GET'],
    ['putManifest', (s) => s.putManifest('c', 'o', [], { headers: {}, contentType: 'a/b', s3Etag: 'e-1', reserved: {} }), 'PUT'],
    ['putClaim', (s) => s.putClaim('c', 'k/.claim.u/0', 600), 'PUT'],
    ['bulkDelete', (s) => s.bulkDelete([{ container: 'c', object: 'o' }]), 'POST'],
    ['readDocument', (s) => s.readDocument('c', 'o'), 'GET'],
    ['writeDocument', (s) => s.writeDocument('c', 'o', '{}'), 'PUT'],
    ['setContainerAcl', (s) => s.setContainerAcl('c', { read: '.r:*', write: '' }), 'POST'],
    ['setContainerCors', (s) => s.setContainerCors('c', { allowOrigin: '*' }), 'POST'],
    ['setContainerWeb', (s) => s.setContainerWeb('c', { index: 'index.html' }), 'POST'],
    ['rewriteReserved', (s) => s.rewriteReserved('c', 'o', { etag: 'e' } as never, {}), 'HEAD'],
    ['setContainerReserved', (s) => s.setContainerReserved('c', { 'object-lock': 'Enabled' }), 'POST'],
  ];
  for (const [name, run, method] of cases) {
    for (const status of [401, 412, 413, 416, 422, 499, 503, 507]) {
      it(`${name}: Swift ${status} → SwiftError(${status}, ${method})`, async () => {
        const { store, released } = scripted([{ status, body: 'Swift says no' }]);
        const err = await failure(run(store));
        expect(err).toBeInstanceOf(SwiftError);
        expect([err.status, err.method]).toEqual([status, method]);
        expect(released()).toBe(true);
      });
    }
  }

  it('keeps the text of a 400 and recognises a segment problem', async () => {
    const { store, released } = scripted([{ status: 400, body: 'Errors:\n/c+segments/k/u/1, Etag Mismatch' }]);
    const err = await failure(store.putManifest('c', 'k', [], { headers: {}, contentType: 'a/b', s3Etag: 'e-1', reserved: {} }));
    expect([err.status, err.reason]).toEqual([400, 'segment']);
    expect(err.detail).toContain('Etag Mismatch');
    expect(released()).toBe(true);
  });
});

describe('SwiftStore: answers that are results', () => {
  it('containerExists, findObject, readObject and deleteObject answer a 404 as a value', async () => {
    const { store, released } = scripted([{ status: 404 }, { status: 404 }, { status: 404 }, { status: 404 }, { status: 409 }]);
    expect(await store.containerExists('c')).toBe(false);
    expect(await store.findObject('c', 'o')).toBeUndefined();
    expect(await store.readObject('c', 'o', 'GET')).toBeUndefined();
    expect(await store.deleteObject('c', 'o')).toBeUndefined();
    // 409 to a DELETE: a later DELETE got there first.
    expect(await store.deleteObject('c', 'o')).toBeUndefined();
    expect(released()).toBe(true);
  });

  it('putContainer tells created (201) from existed (202)', async () => {
    const { store } = scripted([{ status: 201 }, { status: 202 }]);
    expect(await store.putContainer('c')).toBe('created');
    expect(await store.putContainer('c')).toBe('existed');
  });

  it('readObject: 304 is not-modified, 206 a range, a GET hands its body over and a HEAD releases it', async () => {
    const { store } = scripted([{ status: 304, headers: { etag: '"e"' } }, { status: 206, headers: { 'content-range': 'bytes 0-1/10', 'content-length': '2' }, body: 'ab' }, { status: 200, headers: { 'content-length': '2' } }]);
    expect((await store.readObject('c', 'o', 'GET', { 'if-none-match': '"e"' }))!.answer).toBe('not-modified');
    const range = (await store.readObject('c', 'o', 'GET', { range: 'bytes=0-1' }))!;
    expect([range.answer, range.info.size, range.info.length]).toEqual(['range', 10, 2]);
    expect(range.body).toBeDefined();
    range.body!.resume();
    const head = (await store.readObject('c', 'o', 'HEAD'))!;
    expect(head.body).toBeUndefined();
  });

  it('manifestOf: the segments of a manifest, plain for any other object, missing for none', async () => {
    const { store, released } = scripted([
      { status: 200, headers: { 'x-static-large-object': 'True' }, body: '[{"path":"/c+segments/k/u/1","size_bytes":5}]' },
      { status: 200, body: 'plain bytes' },
      { status: 404 },
    ]);
    expect(await store.manifestOf('c', 'k')).toEqual([{ path: '/c+segments/k/u/1', size_bytes: 5 }]);
    expect(await store.manifestOf('c', 'k')).toBe('plain');
    expect(await store.manifestOf('c', 'k')).toBe('missing');
    expect(released()).toBe(true);
  });

  it('listPages pages by the last name until an empty page; a missing container has none when missingOk, and a 503 never passes for empty', async () => {
    const { store, calls } = scripted([{ status: 200, body: '[{"name":"a"},{"name":"b"}]' }, { status: 200, body: '[]' }, { status: 404 }, { status: 503 }]);
    const pages: string[][] = [];
    for await (const page of store.listPages('c', { prefix: 'p' })) pages.push(page.map((r) => r.name!));
    expect(pages).toEqual([['a', 'b']]);
    expect(calls[1]!.query).toMatchObject({ marker: 'b', prefix: 'p' });
    const none: unknown[] = [];
    for await (const page of store.listPages('c', {}, { missingOk: true })) none.push(page);
    expect(none).toEqual([]);
    const err = await failure((async () => { for await (const page of store.listPages('c', {}, { missingOk: true })) void page; })());
    expect(err.status).toBe(503);
  });

  it('deleteObjects tries every name and then throws the first failure; a name already gone is fine', async () => {
    const { store, calls } = scripted([{ status: 204 }, { status: 404 }, { status: 503 }, { status: 204 }]);
    const err = await failure(store.deleteObjects('c', ['a', 'b', 'c', 'd']));
    expect(calls.map((c) => c.object)).toEqual(['a', 'b', 'c', 'd']);
    expect(err.status).toBe(503);
  });
});

describe('SwiftStore: the gateway\'s own documents and container ACLs', () => {
  it('readDocument answers text and ETag, or nothing for a 404; writeDocument says when the container is missing', async () => {
    const { store, calls } = scripted([{ status: 200, headers: { etag: '"abc"' }, body: '{"a":1}' }, { status: 404 }, { status: 201 }, { status: 404 }]);
    expect(await store.readDocument('reg', 'name/AUTH_x/1')).toEqual({ text: '{"a":1}', etag: 'abc' });
    expect(await store.readDocument('reg', 'gone')).toBeUndefined();
    expect(await store.writeDocument('reg', 'name', '{"b":2}')).toBe('written');
    expect(await store.writeDocument('missing', 'name', '{}')).toBe('no-container');
    expect(calls[2]!.headers).toMatchObject({ 'content-type': 'application/json', 'content-length': '7' });
  });

  it('setContainerAcl sets both ACL headers, and removes an empty one with X-Remove-*', async () => {
    const { store, calls } = scripted([{ status: 204 }, { status: 204 }]);
    await store.setContainerAcl('c', { read: '.r:*,.rlistings', write: 'p:*' });
    await store.setContainerAcl('c', { read: '', write: '' });
    expect(calls.map((c) => [c.method, c.headers])).toEqual([
      ['POST', { 'x-container-read': '.r:*,.rlistings', 'x-container-write': 'p:*' }],
      ['POST', { 'x-remove-container-read': '1', 'x-remove-container-write': '1' }],
    ]);
  });

  it('rewriteReserved re-sends content headers and user metadata with the new sealed items, and sends nothing when the object changed or is gone', async () => {
    const head = { status: 200, headers: { etag: '"e1"', 'content-length': '5', 'content-type': 'text/plain', 'content-disposition': 'inline', 'x-object-meta-colour': 'blue' } };
    const { store, calls } = scripted([head, { status: 202 }, { status: 200, headers: { ...head.headers, etag: '"e2"' } }, { status: 404 }]);
    const info = { etag: 'e1' } as never;
    expect(await store.rewriteReserved('c', 'o', info, { acl: 'x' })).toBe('done');
    expect(calls[1]!.method).toBe('POST');
    expect(calls[1]!.headers).toMatchObject({ 'content-type': 'text/plain', 'content-disposition': 'inline', 'x-object-meta-colour': 'blue', 'x-object-meta-s3gw-acl': 'x' });
    expect(calls[1]!.headers!['x-object-meta-s3gw-seal']).toMatch(/^v1\./);
    expect(await store.rewriteReserved('c', 'o', info, { acl: 'y' })).toBe('changed');
    expect(await store.rewriteReserved('c', 'o', info, { acl: 'z' })).toBe('gone');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('rewriteReserved keeps the object\'s X-Delete-At (a POST without it cancels it), or sets or clears it when asked', async () => {
    const head = { status: 200, headers: { etag: '"e1"', 'content-length': '5', 'content-type': 'text/plain', 'x-delete-at': '1900000000' } };
    const { store, calls } = scripted([head, { status: 202 }, head, { status: 202 }, head, { status: 202 }]);
    const info = { etag: 'e1' } as never;
    await store.rewriteReserved('c', 'o', info, {});
    await store.rewriteReserved('c', 'o', info, {}, { deleteAt: 1900086400 });
    await store.rewriteReserved('c', 'o', info, {}, { deleteAt: null });
    const posts = calls.filter((c) => c.method === 'POST').map((c) => c.headers!['x-delete-at']);
    expect(posts).toEqual(['1900000000', '1900086400', undefined]);
  });
});

describe('SwiftStore: the rules only it knows', () => {
  it('putObject seals reserved items for the object and its size, and reads them back verified', async () => {
    const { store, calls } = scripted([{ status: 201, headers: { etag: 'abc' } }]);
    const written = await store.putObject('c', 'o', { body: 'hello', length: 5, headers: { 'content-type': 't/x', 'x-object-meta-a': '1' }, md5: 'abc', reserved: { 'checksum-crc32': 'NhCmhg==' } });
    const sent = calls[0]!.headers!;
    expect(sent).toMatchObject({ 'content-length': '5', etag: 'abc', 'x-object-meta-s3gw-checksum-crc32': 'NhCmhg==' });
    expect(sent['x-object-meta-s3gw-seal']).toMatch(/^v1\./);
    expect(written.etag).toBe('abc');
    const read = scripted([{ status: 200, headers: { ...(sent as Record<string, string>), 'content-length': '5', etag: 'abc' } }]);
    expect((await read.store.findObject('c', 'o'))!.reserved).toEqual({ 'checksum-crc32': 'NhCmhg==' });
    const elsewhere = scripted([{ status: 200, headers: { ...(sent as Record<string, string>), 'content-length': '5', etag: 'abc' } }]);
    expect((await elsewhere.store.findObject('c', 'copy'))!.reserved).toEqual({});
  });

  it('putObject listedChecksum: the checksum goes sealed into the Content-Type, where listings show it; listedChecksumOfRow verifies it', async () => {
    const { store, calls } = scripted([{ status: 201, headers: { etag: 'e' } }]);
    await store.putObject('c+segments', 'k/u/1', { body: 'hello', length: 5, headers: {}, listedChecksum: 'crc32c.9a71bb4c' });
    const type = calls[0]!.headers!['content-type']!;
    expect(type).toMatch(/^application\/octet-stream;s3gw_sum=crc32c\.9a71bb4c\.[A-Za-z0-9_-]+$/);
    expect(store.listedChecksumOfRow('c+segments', { name: 'k/u/1', bytes: 5, content_type: type })).toBe('crc32c.9a71bb4c');
    // Bound to the object and its size: a row of another name or size does not verify.
    expect(store.listedChecksumOfRow('c+segments', { name: 'k/u/2', bytes: 5, content_type: type })).toBeUndefined();
    expect(store.listedChecksumOfRow('c+segments', { name: 'k/u/1', bytes: 6, content_type: type })).toBeUndefined();
    // HEAD shows it as the object's listedChecksum, and never in the Content-Type clients see.
    const read = scripted([{ status: 200, headers: { 'content-type': type, 'content-length': '5', etag: 'e' } }]);
    const info = (await read.store.findObject('c+segments', 'k/u/1'))!;
    expect([info.listedChecksum, info.contentType]).toEqual(['crc32c.9a71bb4c', 'application/octet-stream']);
  });

  it('updateReserved with a listedChecksum POSTs the Content-Type with the checksum (a trailer checksum known only after the body)', async () => {
    const { store, calls } = scripted([{ status: 201, headers: { etag: 'e' } }, { status: 200, headers: { etag: 'e', 'content-length': '1' } }, { status: 202 }]);
    const written = await store.putObject('c', 'o', { body: 'x', length: 1, headers: { 'content-type': 't/x' } });
    expect(await store.updateReserved(written, { 'checksum-crc32c': 'AAAAAA==' }, 'crc32c.00000000')).toBe(true);
    expect(calls[2]!.headers!['content-type']).toMatch(/^t\/x;s3gw_sum=crc32c\.00000000\./);
  });

  it('manifestOf detailed: the manifest as Swift stores it (no format=raw), with content_type and sub_slo', async () => {
    const { store, calls } = scripted([{ status: 200, headers: { 'x-static-large-object': 'True' }, body: '[{"name":"/c+segments/k/u/slo/1","bytes":5,"sub_slo":true}]' }]);
    expect(await store.manifestOf('c', 'k', { detailed: true })).toEqual([{ name: '/c+segments/k/u/slo/1', bytes: 5, sub_slo: true }]);
    expect(calls[0]!.query).toEqual({ 'multipart-manifest': 'get' });
  });

  it('putManifest without an S3 ETag (a sub-manifest) sends a plain Content-Type', async () => {
    const { store, calls } = scripted([{ status: 201, headers: { etag: 'm' } }]);
    await store.putManifest('c+segments', 'k/u/slo/1', [{ path: '/c+segments/k/u/1', etag: 'e', size_bytes: 5 }], { headers: {}, contentType: 'application/octet-stream', reserved: {} });
    expect(calls[0]!.headers!['content-type']).toBe('application/octet-stream');
    expect(calls[0]!.query).toEqual({ 'multipart-manifest': 'put' });
  });

  it('updateReserved POSTs everything the write sent (a POST replaces all metadata), plus the sealed items', async () => {
    const { store, calls } = scripted([{ status: 201, headers: { etag: 'e' } }, { status: 200, headers: { etag: 'e', 'content-length': '1' } }, { status: 202 }]);
    const written = await store.putObject('c', 'o', { body: 'x', length: 1, headers: { 'content-type': 't/x', 'content-disposition': 'inline', 'x-object-meta-a': '1' } });
    expect(await store.updateReserved(written, { 'checksum-crc32': 'AAAAAA==' })).toBe(true);
    expect(calls.map((c) => c.method)).toEqual(['PUT', 'HEAD', 'POST']);
    expect(calls[2]!.headers).toMatchObject({ 'content-type': 't/x', 'content-disposition': 'inline', 'x-object-meta-a': '1', 'x-object-meta-s3gw-checksum-crc32': 'AAAAAA==' });
    expect(calls[2]!.headers).not.toHaveProperty('content-length');
  });

  it('takes a 202 naming an ETag as a write a newer one overwrote (versioned: an older version), and never POSTs onto that newer one', async () => {
    const { store, calls, released } = scripted([{ status: 202, headers: { etag: 'e', 'x-object-version-id': '1796134891.73253' }, body: '<html>Accepted</html>' }]);
    const written = await store.putObject('c', 'o', { body: 'x', length: 1, headers: {} });
    expect([written.etag, written.versionId, written.current]).toEqual(['e', '1796134891.73253', false]);
    expect(await store.updateReserved(written, { 'checksum-crc32': 'AAAAAA==' })).toBe(false);
    expect(calls).toHaveLength(1);
    expect(released()).toBe(true);
    const bare = scripted([{ status: 202, body: 'Accepted' }]);
    expect(await failure(bare.store.putObject('c', 'o', { body: 'x', length: 1, headers: {} }))).toMatchObject({ status: 202, method: 'PUT' });
  });

  it('updateReserved sends no POST when the name shows another write by now (another version or ETag), and does for a suspended null version', async () => {
    for (const now of [{ etag: 'e', 'x-object-version-id': '1796134891.99999' }, { etag: 'other', 'x-object-version-id': '1796134891.73253' }]) {
      const { store, calls } = scripted([{ status: 201, headers: { etag: 'e', 'x-object-version-id': '1796134891.73253' } }, { status: 200, headers: { ...now, 'content-length': '1' } }]);
      const written = await store.putObject('c', 'o', { body: 'x', length: 1, headers: {} });
      expect(await store.updateReserved(written, { 'checksum-crc32': 'AAAAAA==' })).toBe(false);
      expect(calls.map((c) => c.method)).toEqual(['PUT', 'HEAD']);
    }
    const suspended = scripted([{ status: 201, headers: { etag: 'e' } }, { status: 200, headers: { etag: 'e', 'x-object-version-id': 'null', 'content-length': '1' } }, { status: 202 }]);
    const written = await suspended.store.putObject('c', 'o', { body: 'x', length: 1, headers: {} });
    expect(await suspended.store.updateReserved(written, { 'checksum-crc32': 'AAAAAA==' })).toBe(true);
  });

  it('copyObject blanks the source\'s reserved items and stored ETag, and seals the copy\'s own', async () => {
    const src = scripted([{ status: 200, headers: { 'content-length': '7', etag: 'e', 'content-type': 'a/b' + sealer.etagParams({ container: 'c', object: 's', size: 7 }, 'x-2'), 'x-object-meta-s3gw-upload-id': 'u', 'x-object-meta-s3gw-seal': 'v1.zz' } }]);
    const info = (await src.store.findObject('c', 's'))!;
    expect(info.storedEtag).toBe('x-2');
    const { store, calls } = scripted([{ status: 201, headers: { etag: 'f' } }]);
    await store.copyObject({ container: 'c', object: 'd' }, { container: 'c', object: 's', info }, { reserved: { 'checksum-crc32': 'NhCmhg==' } });
    const sent = calls[0]!.headers!;
    expect(sent).toMatchObject({ 'x-copy-from': '/c/s', 'content-type': 'a/b', 'x-object-meta-s3gw-upload-id': '', 'x-object-meta-s3gw-checksum-crc32': 'NhCmhg==' });
    expect(sent['x-object-meta-s3gw-seal']).toMatch(/^v1\./);
    expect(sent).not.toHaveProperty('x-fresh-metadata');
  });

  it('copyObject gives the copy its own X-Delete-At when asked (Swift would keep the source\'s)', async () => {
    const info = { size: 1, etag: 'e', contentHeaders: {}, userMetadata: {}, reserved: {}, isManifest: false, hasStoredEtag: false, reservedHeaders: [], isDynamicManifest: false, length: 1, deleteAt: 1800000000 } as never;
    const { store, calls } = scripted([{ status: 201, headers: { etag: 'e' } }, { status: 201, headers: { etag: 'e' } }]);
    await store.copyObject({ container: 'c', object: 'd' }, { container: 'c', object: 's', info }, { deleteAt: 1900000000 });
    await store.copyObject({ container: 'c', object: 'd' }, { container: 'c', object: 's', info }, {});
    expect(calls.map((c) => c.headers!['x-delete-at'])).toEqual(['1900000000', undefined]);
  });

  it('putManifest keeps the S3 ETag as a sealed Content-Type parameter, for the total size', async () => {
    const { store, calls } = scripted([{ status: 201 }]);
    await store.putManifest('c', 'k', [{ path: '/c+segments/k/u/1', etag: 'a', size_bytes: 3 }, { path: '/c+segments/k/u/2', etag: 'b', size_bytes: 4 }], { headers: {}, contentType: 't/x;s3gw_etag=forged', s3Etag: 'e-2', reserved: { 'upload-id': 'u' } });
    const sent = calls[0]!;
    expect(sent.query).toEqual({ 'multipart-manifest': 'put' });
    expect(sealer.verifiedEtag({ container: 'c', object: 'k', size: 7 }, sent.headers!['content-type'])).toBe('e-2');
    expect(sent.headers!['content-type']!.startsWith('t/x;s3gw_etag=e-2;')).toBe(true);
  });

  it('putClaim writes an empty object that Swift expires (X-Delete-After), and says when the container is missing', async () => {
    const { store, calls, released } = scripted([{ status: 201 }, { status: 404 }]);
    expect(await store.putClaim('b+segments', 'k/.claim.u/0', 600)).toBe('written');
    expect(calls[0]).toMatchObject({ method: 'PUT', container: 'b+segments', object: 'k/.claim.u/0', body: '' });
    expect(calls[0]!.headers).toMatchObject({ 'x-delete-after': '600', 'content-length': '0' });
    expect(await store.putClaim('b+segments', 'k/.claim.u/0', 600)).toBe('no-container');
    expect(released()).toBe(true);
  });

  it('bulkDelete sends one POST ?bulk-delete of encoded paths and answers the failures by index (404 and 409 are deleted)', async () => {
    const report = {
      'Number Deleted': 1, 'Number Not Found': 1, 'Response Status': '502 Bad Gateway', 'Response Body': '',
      Errors: [['/c/a%20b', '403 Forbidden'], ['/c/gone', '404 Not Found'], ['/c/raced', '409 Conflict']],
    };
    const { store, calls, released } = scripted([{ status: 200, body: '   ' + JSON.stringify(report) }], { ...SWIFT_DEFAULT_LIMITS, bulkDeleteMax: 10_000 });
    const failed = await store.bulkDelete([{ container: 'c', object: 'ok' }, { container: 'c', object: 'a b' }, { container: 'c', object: 'gone' }, { container: 'c', object: 'raced' }, { container: 'c', object: 'a b' }]);
    expect([...failed.entries()]).toEqual([[1, 403], [4, 403]]);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'POST', query: { 'bulk-delete': '' } });
    expect(calls[0]!.container).toBeUndefined();
    expect(String(calls[0]!.body).split('\n')).toEqual(['/c/ok', '/c/a%20b', '/c/gone', '/c/raced', '/c/a%20b']);
    expect(calls[0]!.headers).toMatchObject({ accept: 'application/json', 'content-type': 'text/plain' });
    expect(released()).toBe(true);
  });

  it('bulkDelete: a report saying the whole request failed is a SwiftError of its status; many objects go in a few requests side by side', async () => {
    const whole = scripted([{ status: 200, body: JSON.stringify({ 'Response Status': '413 Request Entity Too Large', Errors: [] }) }], { ...SWIFT_DEFAULT_LIMITS, bulkDeleteMax: 10_000 });
    const err = await failure(whole.store.bulkDelete([{ container: 'c', object: 'o' }]));
    expect([err.status, err.method]).toEqual([413, 'POST']);
    const ok = JSON.stringify({ 'Response Status': '200 OK', Errors: [] });
    const many = scripted(Array.from({ length: 4 }, () => ({ status: 200, body: ok })), { ...SWIFT_DEFAULT_LIMITS, bulkDeleteMax: 10_000 });
    const objects = Array.from({ length: 1000 }, (_, i) => ({ container: 'c', object: `k${i}` }));
    expect((await many.store.bulkDelete(objects)).size).toBe(0);
    expect(many.calls.map((c) => String(c.body).split('\n').length)).toEqual([250, 250, 250, 250]);
  });

  it('updateReserved repeats the reserved items the write stored (object lock state) beside the new ones, under one seal', async () => {
    const { store, calls } = scripted([{ status: 201, headers: { etag: 'e' } }, { status: 200, headers: { etag: 'e', 'content-length': '1' } }, { status: 202 }]);
    const lock = { 'lock-mode': 'COMPLIANCE', 'lock-until': '2199-01-01T00:00:00.000Z' };
    const written = await store.putObject('c', 'o', { body: 'x', length: 1, headers: {}, reserved: lock });
    expect(await store.updateReserved(written, { 'checksum-crc32': 'AAAAAA==' })).toBe(true);
    const posted = calls[2]!.headers as Record<string, string>;
    expect(posted).toMatchObject({ 'x-object-meta-s3gw-lock-mode': 'COMPLIANCE', 'x-object-meta-s3gw-lock-until': '2199-01-01T00:00:00.000Z', 'x-object-meta-s3gw-checksum-crc32': 'AAAAAA==' });
    const read = scripted([{ status: 200, headers: { ...posted, 'content-length': '1', etag: 'e' } }]);
    expect((await read.store.findObject('c', 'o'))!.reserved).toEqual({ ...lock, 'checksum-crc32': 'AAAAAA==' });
  });

  it('setContainerReserved seals each container item on its own (POST changes only named items); headContainer verifies them, null for one that does not', async () => {
    const { store, calls } = scripted([{ status: 204 }]);
    await store.setContainerReserved('b', { 'object-lock': 'Enabled;GOVERNANCE;1d' }, { versioning: true });
    const sent = calls[0]!.headers as Record<string, string>;
    expect(calls[0]!.method).toBe('POST');
    expect(sent['x-versions-enabled']).toBe('true');
    expect(sent['x-container-meta-s3gw-object-lock']).toMatch(/^v1\.[A-Za-z0-9_-]+\.Enabled;GOVERNANCE;1d$/);
    const head = scripted([{ status: 204, headers: { 'x-container-meta-s3gw-object-lock': sent['x-container-meta-s3gw-object-lock']!, 'x-container-meta-s3gw-other': 'Enabled' } }]);
    expect((await head.store.headContainer('b')).reserved).toEqual({ 'object-lock': 'Enabled;GOVERNANCE;1d', other: null });
    // Bound to its container: the same value copied onto another one does not verify.
    const moved = scripted([{ status: 204, headers: { 'x-container-meta-s3gw-object-lock': sent['x-container-meta-s3gw-object-lock']! } }]);
    expect((await moved.store.headContainer('other')).reserved).toEqual({ 'object-lock': null });
  });
});
