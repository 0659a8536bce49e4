// Encrypted multipart uploads through the whole gateway on the fake Swift
// (operations/encryption/multipart-*.ts): what a part keeps, what Complete
// writes, the plaintext back, and the error paths: a part without its
// record (its POST never came) is InvalidPart, a key manager down at
// UploadPart is 503 with nothing stored.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { keyManagerUnavailable } from '../../../../src/kms/errors.js';
import { KeyringProvider } from '../../../../src/kms/keyring.js';
import type { KeyProvider } from '../../../../src/kms/provider.js';
import { xmlValue } from '../../../helpers/raw-s3.js';
import { gatewayRig, type GatewayRig } from '../fake-rig.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const SSE_S3 = { 'x-amz-server-side-encryption': 'AES256' };
let rig: GatewayRig;
let down = false;

afterEach(async () => {
  down = false;
  await rig?.close();
});

async function rigUp(): Promise<void> {
  const good = new KeyringProvider({ dir: '(memory)', current: 'k-now', keys: new Map([['k-now', randomBytes(32)]]) });
  const flaky: KeyProvider = {
    name: good.name,
    wrap: (k, c, id) => (down ? Promise.reject(keyManagerUnavailable('test')) : good.wrap(k, c, id)),
    unwrap: (w, c, id) => (down ? Promise.reject(keyManagerUnavailable('test')) : good.unwrap(w, c, id)),
  };
  rig = await gatewayRig({ sse: { providers: { sseS3: flaky } }, limits: { minPartSize: 1 } });
  expect((await rig.s3('PUT', '/bkt')).status).toBe(200);
}

async function start(key: string): Promise<string> {
  const c = await rig.s3('POST', `/bkt/${key}?uploads`, { headers: SSE_S3 });
  expect(c.status, c.text()).toBe(200);
  expect(c.headers['x-amz-server-side-encryption']).toBe('AES256');
  return xmlValue(c.text(), 'UploadId')!;
}
const part = (key: string, id: string, n: number, body: Buffer) => rig.s3('PUT', `/bkt/${key}?partNumber=${n}&uploadId=${id}`, { body });
const complete = (key: string, id: string, etags: string[]) => rig.s3('POST', `/bkt/${key}?uploadId=${id}`, {
  body: `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`,
});

describe('an SSE-S3 multipart upload on the fake Swift', () => {
  it('keeps ciphertext parts with their sealed records, and reads back the plaintext whole and in ranges', async () => {
    await rigUp();
    const id = await start('obj');
    const parts = [randomBytes(1000), randomBytes(33)];
    const etags: string[] = [];
    for (const [i, body] of parts.entries()) {
      const r = await part('obj', id, i + 1, body);
      expect(r.status, r.text()).toBe(200);
      expect(r.headers['etag']).toBe(`"${md5(body)}"`);
      expect(r.headers['x-amz-server-side-encryption']).toBe('AES256');
      etags.push(r.headers['etag']!);
    }
    const stored = rig.fake.object(rig.user.account, 'bkt+segments', `obj/${id}/1`)!;
    expect(stored.data.equals(parts[0]!)).toBe(false);
    expect(stored.contentType).toMatch(/;s3gw_ssep=[0-9a-f]{16}\.[A-Za-z0-9_-]{43}\.[0-9a-f]{32}\./);
    const done = await complete('obj', id, etags);
    expect(done.status, done.text()).toBe(200);
    expect(done.headers['x-amz-server-side-encryption']).toBe('AES256');
    const whole = Buffer.concat(parts);
    const g = await rig.s3('GET', '/bkt/obj');
    expect(g.body.equals(whole)).toBe(true);
    const r = await rig.s3('GET', '/bkt/obj', { headers: { range: 'bytes=990-1010' } });
    expect(r.status).toBe(206);
    expect(r.body.equals(whole.subarray(990, 1011))).toBe(true);
  });

  it('refuses to complete with a part that has no record (its POST never came): InvalidPart', async () => {
    await rigUp();
    const id = await start('norecord');
    const body = randomBytes(10);
    const e = (await part('norecord', id, 1, body)).headers['etag']!;
    // As the part was between its PUT and its POST: the plain type, no record.
    (rig.fake.object(rig.user.account, 'bkt+segments', `norecord/${id}/1`) as { contentType: string }).contentType = 'application/octet-stream';
    const done = await complete('norecord', id, [`"${md5(body)}"`]);
    expect(done.status).toBe(400);
    expect(xmlValue(done.text(), 'Code')).toBe('InvalidPart');
    expect(e).toBe(`"${md5(body)}"`);
  });

  it('answers 503 at UploadPart while the key manager is down, storing nothing', async () => {
    await rigUp();
    const id = await start('down');
    down = true;
    const r = await part('down', id, 1, randomBytes(10));
    expect(r.status).toBe(503);
    expect(rig.fake.object(rig.user.account, 'bkt+segments', `down/${id}/1`)).toBeUndefined();
  });
});
