// SigV2 authentication through the gateway: what a client sees when the key,
// the signature or the clock is wrong, presigned URLs, virtual-host style, and
// isolation between projects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, signV2, stringToSignV2, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
let b: string;

beforeAll(async () => {
  gw = await startGateway();
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('auth');
  await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys });
  await rawS3(gw.url, { method: 'PUT', path: `/${b}/obj`, keys, body: 'secret' });
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', b);
  await gw.stop();
});

describe('authentication failures (401 in the spec dialect)', () => {
  it('refuses an unknown access key with InvalidAccessKeyId', async () => {
    const res = await rawS3(gw.url, { method: 'GET', path: `/${b}/obj`, keys: { access: 'NOSUCHKEY', secret: 'x' } });
    expect(res.status).toBe(401);
    expect(xmlValue(res.text(), 'Code')).toBe('InvalidAccessKeyId');
  });

  it('refuses a wrong signature with SignatureDoesNotMatch, showing the string to sign but never the secret', async () => {
    const res = await rawS3(gw.url, { method: 'GET', path: `/${b}/obj`, keys: { access: keys.access, secret: 'wrong-secret' } });
    expect(res.status).toBe(401);
    const xml = res.text();
    expect(xmlValue(xml, 'Code')).toBe('SignatureDoesNotMatch');
    expect(xmlValue(xml, 'StringToSign')).toBe(stringToSignV2('GET', `/${b}/obj`, { date: xmlValue(xml, 'StringToSign')!.split('\n')[3]! }));
    expect(xml).not.toContain(keys.secret);
    expect(xmlValue(xml, 'RequestId')).toBe(res.headers['x-amz-request-id']);
  });

  it('refuses a request whose date is more than 15 minutes off with RequestTimeTooSkewed', async () => {
    const date = new Date(Date.now() - 16 * 60 * 1000).toUTCString();
    const res = await rawS3(gw.url, { method: 'GET', path: `/${b}/obj`, keys, date });
    expect(res.status).toBe(401);
    expect(xmlValue(res.text(), 'Code')).toBe('RequestTimeTooSkewed');
    const ok = await rawS3(gw.url, { method: 'GET', path: `/${b}/obj`, keys, date: new Date(Date.now() - 14 * 60 * 1000).toUTCString() });
    expect(ok.status).toBe(200);
  });

  it('uses x-amz-date instead of Date when present', async () => {
    const res = await rawS3(gw.url, { method: 'GET', path: `/${b}/obj`, keys, date: 'garbage', headers: { 'x-amz-date': new Date().toUTCString() } });
    expect(res.status).toBe(200);
  });

  it('refuses anonymous requests with AccessDenied', async () => {
    const res = await rawS3(gw.url, { method: 'GET', path: `/${b}/obj` });
    expect(res.status).toBe(401);
    expect(xmlValue(res.text(), 'Code')).toBe('AccessDenied');
  });

  it('refuses a tampered header: a signed x-amz-meta value changed after signing', async () => {
    const headers = { date: new Date().toUTCString(), 'x-amz-meta-a': 'signed' };
    const sig = signV2(keys.secret, stringToSignV2('PUT', `/${b}/t`, headers));
    const res = await rawS3(gw.url, {
      method: 'PUT', path: `/${b}/t`, body: 'x', date: headers.date,
      headers: { 'x-amz-meta-a': 'changed', authorization: `AWS ${keys.access}:${sig}` },
    });
    expect(res.status).toBe(401);
    expect(xmlValue(res.text(), 'Code')).toBe('SignatureDoesNotMatch');
  });
});

describe('presigned URLs (SigV2 query authentication)', () => {
  const presign = (method: string, path: string, expires: number) => {
    const sig = signV2(keys.secret, `${method}\n\n\n${expires}\n${path}`);
    return `${path}?AWSAccessKeyId=${encodeURIComponent(keys.access)}&Expires=${expires}&Signature=${encodeURIComponent(sig)}`;
  };

  it('serves a GET before Expires and refuses it after with AccessDenied "Request has expired"', async () => {
    const ok = await fetch(gw.url + presign('GET', `/${b}/obj`, Math.floor(Date.now() / 1000) + 60));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('secret');
    const late = await fetch(gw.url + presign('GET', `/${b}/obj`, Math.floor(Date.now() / 1000) - 1));
    expect(late.status).toBe(401);
    const text = await late.text();
    expect(xmlValue(text, 'Code')).toBe('AccessDenied');
    expect(xmlValue(text, 'Message')).toBe('Request has expired');
  });

  it('accepts presigned PUT and DELETE', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    const put = await fetch(gw.url + presign('PUT', `/${b}/presigned`, exp), { method: 'PUT', body: new TextEncoder().encode('via url') });
    expect(put.status).toBe(201);
    const del = await fetch(gw.url + presign('DELETE', `/${b}/presigned`, exp), { method: 'DELETE' });
    expect(del.status).toBe(204);
  });
});

describe('addressing', () => {
  it('serves virtual-host style requests (bucket.<configured domain>) signed with /bucket/key', async () => {
    const res = await rawS3(gw.url, { method: 'GET', path: '/obj', keys, host: `${b}.s3.test:${gw.port}`, resource: `/${b}/obj` });
    expect(res.status).toBe(200);
    expect(res.text()).toBe('secret');
    const list = await rawS3(gw.url, { method: 'GET', path: '/', keys, host: `${b}.s3.test`, resource: `/${b}/` });
    expect(list.status).toBe(200);
    expect(xmlValues(list.text(), 'Key')).toContain('obj');
  });

  it('accepts a bucket-level request signed as /bucket/ while sent as /bucket (boto3 quirk)', async () => {
    const res = await rawS3(gw.url, { method: 'GET', path: `/${b}`, keys, resource: `/${b}/` });
    expect(res.status).toBe(200);
  });
});

describe('isolation between projects', () => {
  it('gives another project\'s key no access to this project\'s buckets, by any addressing form', async () => {
    const alt = gw.stack.users.alt.ec2;
    for (const req of [
      { method: 'GET', path: `/${b}/obj` },
      { method: 'HEAD', path: `/${b}/obj` },
      { method: 'GET', path: `/${b}` },
      { method: 'DELETE', path: `/${b}/obj` },
      { method: 'GET', path: '/obj', host: `${b}.s3.test`, resource: `/${b}/obj` },
    ]) {
      const res = await rawS3(gw.url, { ...req, keys: alt });
      expect(res.status, JSON.stringify(req)).toBe(404);
    }
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/obj`, keys })).text()).toBe('secret');
  });
});
