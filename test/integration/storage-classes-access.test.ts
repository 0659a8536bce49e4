// Who may read objects of another class than their bucket's (global
// namespace): anonymous readers let in by an object ACL (the gateway reads
// with its own token and follows only its own manifests into the bucket's
// companion containers) or by a bucket ACL (which the companions get too).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, type Keys } from '../helpers/raw-s3.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let demo: Keys;
let alt: Keys;
const buckets: string[] = [];

beforeAll(async () => {
  gw = await startGateway({ keystoneEc2: true, dialect: 'aws', storageClasses: { STANDARD_IA: 'ec21' } });
  demo = gw.stack.users.demo.ec2;
  alt = gw.stack.users.alt.ec2;
});

afterAll(async () => {
  for (const b of buckets) {
    for (const c of [`${b}+ec21`, `${b}+Policy-0`, `${b}+segments`]) await purgeContainer(gw.stack, 'demo', c);
    await purgeContainer(gw.stack, 'demo', b).then(() => rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: demo }));
  }
  await gw.stop();
});

const newBucket = async (label: string): Promise<string> => {
  const b = uniqueBucket(label);
  buckets.push(b);
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: demo })).status).toBeLessThan(300);
  return b;
};

describe('reading objects of another class', () => {
  it('an object ACL public-read admits anonymous readers to a STANDARD_IA object in a private bucket', async () => {
    const b = await newBucket('sca-obj');
    const put = await rawS3(gw.url, { method: 'PUT', path: `/${b}/shared`, keys: demo, body: 'shared cold bytes', headers: { 'x-amz-storage-class': 'STANDARD_IA', 'x-amz-acl': 'public-read' } });
    expect(put.status, put.text()).toBeLessThan(300);
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/private`, keys: demo, body: 'private cold bytes', headers: { 'x-amz-storage-class': 'STANDARD_IA' } });
    const anon = await rawS3(gw.url, { method: 'GET', path: `/${b}/shared` });
    expect([anon.status, anon.text(), anon.headers['x-amz-storage-class']]).toEqual([200, 'shared cold bytes', 'STANDARD_IA']);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/private` })).status).toBe(403);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/private`, keys: alt })).status).toBe(403);
  });

  it('a manifest written through the Swift API is not followed into other containers, even carrying a copied seal', async () => {
    const b = await newBucket('sca-forge');
    const put = await rawS3(gw.url, { method: 'PUT', path: `/${b}/shared`, keys: demo, body: 'public!', headers: { 'x-amz-storage-class': 'STANDARD_IA', 'x-amz-acl': 'public-read' } });
    expect(put.status).toBeLessThan(300);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/shared` })).status).toBe(200);
    // A Swift user of the project copies the gateway's sealed headers onto its own manifest of the
    // same size whose segment is in another container (one no anonymous reader may read).
    const head = await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'shared');
    const copied = Object.fromEntries(Object.entries(head.headers).filter(([n]) => n.startsWith('x-object-meta-') || n === 'content-type'));
    const other = `${b}-secret`;
    buckets.push(other);
    expect((await swiftDirect(gw.stack, 'demo', 'PUT', other)).status).toBe(201);
    expect((await swiftDirect(gw.stack, 'demo', 'PUT', other, 'secret', { body: 'secret!' })).status).toBe(201);
    const manifest = JSON.stringify([{ path: `/${other}/secret`, etag: null, size_bytes: 7 }]);
    expect((await swiftDirect(gw.stack, 'demo', 'PUT', b, 'shared', { body: manifest, query: { 'multipart-manifest': 'put' }, headers: copied })).status).toBe(201);
    const anon = await rawS3(gw.url, { method: 'GET', path: `/${b}/shared` });
    expect([anon.status, anon.text().includes('secret!')]).toEqual([403, false]);
  });

  it('a bucket ACL public-read set after objects of another class reach their companion container too', async () => {
    const b = await newBucket('sca-bkt');
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/cold`, keys: demo, body: 'bucket-wide', headers: { 'x-amz-storage-class': 'STANDARD_IA' } });
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/cold` })).status).toBe(403);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?acl`, keys: demo, headers: { 'x-amz-acl': 'public-read' } })).status).toBe(200);
    const anon = await rawS3(gw.url, { method: 'GET', path: `/${b}/cold` });
    expect([anon.status, anon.text()]).toEqual([200, 'bucket-wide']);
  });

  it('another project granted WRITE on the bucket writes an object of another class (its companion made with the grant) and reads it back', async () => {
    const b = uniqueBucket('sca-grant');
    buckets.push(b);
    const altProject = gw.stack.users.alt.projectId;
    const grants = { 'x-amz-grant-read': `id="${altProject}"`, 'x-amz-grant-write': `id="${altProject}"` };
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: demo, headers: grants })).status).toBeLessThan(300);
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', `${b}+ec21`)).status).toBe(204);
    const put = await rawS3(gw.url, { method: 'PUT', path: `/${b}/from-alt`, keys: alt, body: 'written by alt', headers: { 'x-amz-storage-class': 'STANDARD_IA' } });
    expect(put.status, put.text()).toBeLessThan(300);
    const read = await rawS3(gw.url, { method: 'GET', path: `/${b}/from-alt`, keys: alt });
    expect([read.status, read.text(), read.headers['x-amz-storage-class']]).toEqual([200, 'written by alt', 'STANDARD_IA']);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/from-alt`, keys: demo })).text()).toBe('written by alt');
  });
});
