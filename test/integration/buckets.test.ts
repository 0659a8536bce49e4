// Bucket operations of the seed spec through the gateway, against the real
// Keystone and Swift of the local stack, with raw SigV2 requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
const created: string[] = [];

beforeAll(async () => {
  gw = await startGateway();
  keys = gw.stack.users.demo.ec2;
});

afterAll(async () => {
  for (const b of created) await purgeContainer(gw.stack, 'demo', b);
  await gw.stop();
});

function bucket(label: string): string {
  const name = uniqueBucket(label);
  created.push(name);
  return name;
}

describe('CreateBucket (PUT bucket)', () => {
  it('creates a Swift container and answers 201, then 202 when it already exists and is yours', async () => {
    const b = bucket('create');
    const first = await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys });
    expect(first.status).toBe(201);
    expect(first.headers['x-trans-id']).toMatch(/^tx/);
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b)).status).toBe(204);
    const again = await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys });
    expect(again.status).toBe(202);
  });

  it('refuses names S3 does not allow with InvalidBucketName (400) and creates nothing', async () => {
    for (const name of ['UPPER', 'ab', 'a..b', '192.168.1.1', 'bad_name', '-lead', 'x'.repeat(64)]) {
      const res = await rawS3(gw.url, { method: 'PUT', path: `/${name}`, keys });
      expect(res.status, name).toBe(400);
      expect(xmlValue(res.text(), 'Code'), name).toBe('InvalidBucketName');
    }
  });

  it('accepts a CreateBucketConfiguration for its own region and refuses another region', async () => {
    const b = bucket('region');
    const own = `<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>`;
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys, body: own })).status).toBe(201);
    const other = `<CreateBucketConfiguration><LocationConstraint>eu-west-9</LocationConstraint></CreateBucketConfiguration>`;
    const res = await rawS3(gw.url, { method: 'PUT', path: `/${bucket('region2')}`, keys, body: other });
    expect(res.status).toBe(400);
    // S3's answer for a region the endpoint does not serve (object-corners.test.ts has the accepted-region cases).
    expect(xmlValue(res.text(), 'Code')).toBe('IllegalLocationConstraintException');
  });
});

describe('ListBuckets (GET service)', () => {
  it('lists the caller\'s buckets with Owner and ISO 8601 CreationDate, hiding +segments containers', async () => {
    const b = bucket('list');
    await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys });
    await swiftDirect(gw.stack, 'demo', 'PUT', `${b}+segments`);
    created.push(`${b}+segments`);
    const res = await rawS3(gw.url, { method: 'GET', path: '/', keys });
    expect(res.status).toBe(200);
    const xml = res.text();
    expect(xml).toContain('<ListAllMyBucketsResult xmlns="http://doc.s3.amazonaws.com/2006-03-01">');
    expect(xmlValues(xml, 'Name')).toContain(b);
    expect(xmlValues(xml, 'Name')).not.toContain(`${b}+segments`);
    expect(xmlValue(xml, 'ID')).toBe(gw.stack.users.demo.projectId);
    for (const d of xmlValues(xml, 'CreationDate')) expect(d).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('shows another project\'s buckets to nobody else', async () => {
    const b = bucket('mine');
    await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys });
    const alt = await rawS3(gw.url, { method: 'GET', path: '/', keys: gw.stack.users.alt.ec2 });
    expect(alt.status).toBe(200);
    expect(xmlValues(alt.text(), 'Name')).not.toContain(b);
  });
});

describe('HeadBucket, GetBucketLocation', () => {
  it('answers 200 for an existing bucket and 404 with no body for a missing one', async () => {
    const b = bucket('head');
    await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys });
    expect((await rawS3(gw.url, { method: 'HEAD', path: `/${b}`, keys })).status).toBe(200);
    const missing = await rawS3(gw.url, { method: 'HEAD', path: `/${uniqueBucket('none')}`, keys });
    expect(missing.status).toBe(404);
    expect(missing.body.length).toBe(0);
  });

  it('reports the configured region (us-east-1 as an empty LocationConstraint)', async () => {
    const b = bucket('loc');
    await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys });
    const res = await rawS3(gw.url, { method: 'GET', path: `/${b}?location`, keys });
    expect(res.status).toBe(200);
    expect(res.text()).toMatch(/<LocationConstraint[^>]*>(<\/LocationConstraint>|\s*<\/LocationConstraint>)|<LocationConstraint[^>]*\/>/);
  });
});

describe('DeleteBucket (DELETE bucket)', () => {
  it('answers 204 and removes the container', async () => {
    const b = uniqueBucket('del');
    await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys });
    const res = await rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys });
    expect(res.status).toBe(204);
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b)).status).toBe(404);
  });

  it('maps Swift 409 on DELETE bucket to BucketNotEmpty', async () => {
    const b = bucket('full');
    await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys });
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/k`, keys, body: 'x' });
    const res = await rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys });
    expect(res.status).toBe(409);
    expect(xmlValue(res.text(), 'Code')).toBe('BucketNotEmpty');
  });

  it('answers NoSuchBucket (404) for a missing bucket', async () => {
    const res = await rawS3(gw.url, { method: 'DELETE', path: `/${uniqueBucket('gone')}`, keys });
    expect(res.status).toBe(404);
    expect(xmlValue(res.text(), 'Code')).toBe('NoSuchBucket');
  });
});

describe('operations the gateway does not implement', () => {
  it('answers NotImplemented (501) naming the operation', async () => {
    const b = bucket('ni');
    await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys });
    const res = await rawS3(gw.url, { method: 'GET', path: `/${b}?logging`, keys });
    expect(res.status).toBe(501);
    expect(xmlValue(res.text(), 'Code')).toBe('NotImplemented');
    expect(res.text()).toContain('GetBucketLogging');
  });
});
