// The "aws" dialect: AWS's statuses and namespace instead of the spec's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
let b: string;

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('aws');
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', b);
  await gw.stop();
});

describe('dialect: aws', () => {
  it('answers 200 for CreateBucket and BucketAlreadyOwnedByYou (409) when it exists', async () => {
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys })).status).toBe(200);
    const again = await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys });
    expect(again.status).toBe(409);
    expect(xmlValue(again.text(), 'Code')).toBe('BucketAlreadyOwnedByYou');
  });

  it('answers 200 for PutObject and CopyObject', async () => {
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/k`, keys, body: 'x' })).status).toBe(200);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/k2`, keys, headers: { 'x-amz-copy-source': `/${b}/k` } })).status).toBe(200);
  });

  it('answers 204 for DeleteObject of a missing key (S3 deletes are idempotent)', async () => {
    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${b}/never-was`, keys })).status).toBe(204);
  });

  it('answers 403 for authentication failures', async () => {
    const res = await rawS3(gw.url, { method: 'GET', path: `/${b}/k`, keys: { access: keys.access, secret: 'bad' } });
    expect(res.status).toBe(403);
    expect(xmlValue(res.text(), 'Code')).toBe('SignatureDoesNotMatch');
  });

  it('uses AWS\'s XML namespace', async () => {
    const res = await rawS3(gw.url, { method: 'GET', path: `/${b}`, keys });
    expect(res.text()).toContain('<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">');
  });
});
