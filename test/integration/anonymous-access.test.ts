// Anonymous and cross-project requests through the global namespace, decided
// by Swift's own container ACLs (set here through the Swift API, as a Swift
// user would): the gateway sends anonymous requests with no token and another
// project's requests with that project's own token, and Swift judges them.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { loadStack, type Stack } from '../helpers/stack.js';
import { purgeContainer, storageUrlOf, swiftDirect } from '../helpers/swift-direct.js';

let stack: Stack;
let gw: TestGateway;
let aws: TestGateway;
let demo: Keys;
let alt: Keys;
let pub: string;
let priv: string;

/** A GET straight to Swift with no token at all. */
function anonymousSwiftGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    }).on('error', reject).end();
  });
}

beforeAll(async () => {
  stack = loadStack();
  demo = stack.users.demo.ec2!;
  alt = stack.users.alt.ec2!;
  gw = await startGateway({ keystoneEc2: true });
  aws = await startGateway({ keystoneEc2: true, dialect: 'aws' });
  pub = uniqueBucket('pub');
  priv = uniqueBucket('priv');
  for (const b of [pub, priv]) {
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: demo })).status).toBe(201);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/hello.txt`, keys: demo, body: 'hello, world' })).status).toBe(201);
  }
  // World-readable through the Swift API: objects and listings.
  expect((await swiftDirect(stack, 'demo', 'POST', pub, undefined, { headers: { 'x-container-read': '.r:*,.rlistings' } })).status).toBe(204);
});

afterAll(async () => {
  for (const b of [pub, priv]) if (b) await purgeContainer(stack, 'demo', b).then(() => rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: demo }));
  await gw?.stop();
  await aws?.stop();
});

describe('anonymous requests', () => {
  it('read an object of a world-readable container, path and virtual-host style, with ranges and conditionals', async () => {
    const got = await rawS3(gw.url, { method: 'GET', path: `/${pub}/hello.txt` });
    expect(got.status).toBe(200);
    expect(got.text()).toBe('hello, world');
    const etag = got.headers['etag']!;
    const vhost = await rawS3(gw.url, { method: 'GET', path: '/hello.txt', host: `${pub}.s3.test` });
    expect(vhost.status).toBe(200);
    expect(vhost.text()).toBe('hello, world');
    const range = await rawS3(gw.url, { method: 'GET', path: `/${pub}/hello.txt`, headers: { range: 'bytes=7-11' } });
    expect(range.status).toBe(206);
    expect(range.text()).toBe('world');
    expect((await rawS3(gw.url, { method: 'GET', path: `/${pub}/hello.txt`, headers: { 'if-none-match': etag } })).status).toBe(304);
    const head = await rawS3(gw.url, { method: 'HEAD', path: `/${pub}/hello.txt` });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('12');
    // Swift's own anonymous GET of the same object agrees.
    const direct = await anonymousSwiftGet(`${storageUrlOf(stack, 'demo')}/${pub}/hello.txt`);
    expect(direct).toEqual({ status: 200, body: 'hello, world' });
  });

  it('list a container with .rlistings', async () => {
    const list = await rawS3(gw.url, { method: 'GET', path: `/${pub}` });
    expect(list.status).toBe(200);
    expect(xmlValues(list.text(), 'Key')).toEqual(['hello.txt']);
    const v2 = await rawS3(gw.url, { method: 'GET', path: '/?list-type=2', host: `${pub}.s3.test` });
    expect(v2.status).toBe(200);
    expect(xmlValues(v2.text(), 'Key')).toEqual(['hello.txt']);
  });

  it('cannot write, delete or read ACL-less buckets: AccessDenied (401 in the ucloud dialect, 403 in aws), nothing changed', async () => {
    for (const [g, status] of [[gw, 401], [aws, 403]] as const) {
      const cases = [
        { method: 'PUT', path: `/${pub}/intruder`, body: 'x' },
        { method: 'DELETE', path: `/${pub}/hello.txt` },
        { method: 'GET', path: `/${priv}/hello.txt` },
        { method: 'GET', path: `/${priv}` },
        { method: 'DELETE', path: `/${pub}` },
        { method: 'POST', path: `/${pub}/mp?uploads` },
        { method: 'GET', path: '/' },
      ];
      for (const c of cases) {
        const res = await rawS3(g.url, c);
        expect(res.status, JSON.stringify(c)).toBe(status);
        expect(xmlValue(res.text(), 'Code'), JSON.stringify(c)).toBe('AccessDenied');
      }
    }
    expect((await swiftDirect(stack, 'demo', 'HEAD', pub, 'intruder')).status).toBe(404);
    expect((await swiftDirect(stack, 'demo', 'HEAD', pub, 'hello.txt')).status).toBe(200);
  });

  it('get NoSuchBucket for a name nobody registered', async () => {
    const res = await rawS3(gw.url, { method: 'GET', path: `/${uniqueBucket('nobody')}/x` });
    expect(res.status).toBe(404);
    expect(xmlValue(res.text(), 'Code')).toBe('NoSuchBucket');
  });
});

describe('another project\'s bucket', () => {
  it('is read and written with the requester\'s own token exactly as the container\'s ACLs allow', async () => {
    const shared = uniqueBucket('shared');
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${shared}`, keys: demo })).status).toBe(201);
    try {
      expect((await rawS3(gw.url, { method: 'PUT', path: `/${shared}/doc`, keys: demo, body: 'shared doc' })).status).toBe(201);
      // No ACL: refused by Swift.
      expect((await rawS3(gw.url, { method: 'GET', path: `/${shared}/doc`, keys: alt })).status).toBe(401);

      const altProject = stack.users.alt.projectId;
      await swiftDirect(stack, 'demo', 'POST', shared, undefined, { headers: { 'x-container-read': `${altProject}:*` } });
      const read = await rawS3(gw.url, { method: 'GET', path: `/${shared}/doc`, keys: alt });
      expect(read.status).toBe(200);
      expect(read.text()).toBe('shared doc');
      expect(xmlValues((await rawS3(gw.url, { method: 'GET', path: `/${shared}`, keys: alt })).text(), 'Key')).toEqual(['doc']);
      // Read only: a write is refused and stores nothing.
      expect((await rawS3(gw.url, { method: 'PUT', path: `/${shared}/from-alt`, keys: alt, body: 'a' })).status).toBe(401);
      expect((await swiftDirect(stack, 'demo', 'HEAD', shared, 'from-alt')).status).toBe(404);
      // Still no anonymous access.
      expect((await rawS3(gw.url, { method: 'GET', path: `/${shared}/doc` })).status).toBe(401);

      await swiftDirect(stack, 'demo', 'POST', shared, undefined, { headers: { 'x-container-read': `${altProject}:*`, 'x-container-write': `${altProject}:*` } });
      expect((await rawS3(gw.url, { method: 'PUT', path: `/${shared}/from-alt`, keys: alt, body: 'by alt' })).status).toBe(201);
      const stored = await swiftDirect(stack, 'demo', 'GET', shared, 'from-alt');
      expect(stored.status).toBe(200);
      expect(stored.body.toString()).toBe('by alt');
      // The owner's bucket settings stay the owner's: Swift lets only owners change a container.
      expect((await rawS3(gw.url, { method: 'DELETE', path: `/${shared}`, keys: alt })).status).toBe(401);
      expect((await swiftDirect(stack, 'alt', 'HEAD', shared)).status).toBe(404);
    } finally {
      await purgeContainer(stack, 'demo', shared);
    }
  });
});
