// SSE-S3 and SSE-KMS through the whole gateway on the fake Swift
// (operations/encryption/, bucket/encryption.ts): the mode a write gets (its
// own headers, the bucket default, neither), what is stored, the ETag rule,
// and the error paths: a key provider missing, failing (503), not holding the
// key (KMS.NotFoundException), a wrapped key that does not authenticate.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyringProvider } from '../../../../src/kms/keyring.js';
import { keyManagerUnavailable } from '../../../../src/kms/errors.js';
import type { KeyProvider } from '../../../../src/kms/provider.js';
import { xmlValue } from '../../../helpers/raw-s3.js';
import { gatewayRig, type GatewayRig } from '../fake-rig.js';

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
const keyring = () => new KeyringProvider({ dir: '(memory)', current: 'k-now', keys: new Map([['k-now', randomBytes(32)], ['k-other', randomBytes(32)]]) });
const SSE_S3 = { 'x-amz-server-side-encryption': 'AES256' };
const KMS = { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': 'k-other' };
const config = (algorithm: string, keyId?: string) =>
  `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>${algorithm}</SSEAlgorithm>${keyId ? `<KMSMasterKeyID>${keyId}</KMSMasterKeyID>` : ''}</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`;

let rig: GatewayRig;
afterEach(async () => {
  await rig?.close();
});

async function rigWith(providers: { sseS3?: KeyProvider; kms?: KeyProvider }): Promise<GatewayRig> {
  rig = await gatewayRig({ sse: { providers } });
  expect((await rig.s3('PUT', '/bkt')).status).toBe(200);
  return rig;
}
const stored = (key: string) => rig.fake.object(rig.user.account, 'bkt', key)!;
const meta = (key: string) => Object.fromEntries(stored(key).meta.map(([k, v]) => [k.toLowerCase(), v]));

describe('the mode a PutObject gets', () => {
  it('SSE-S3: ciphertext in Swift, mode s1 with the provider and key id, the plaintext MD5 as ETag everywhere', async () => {
    await rigWith({ sseS3: keyring() });
    const data = Buffer.from('some plaintext that is longer than one block');
    const w = await rig.s3('PUT', '/bkt/obj', { body: data, headers: SSE_S3 });
    expect(w.status).toBe(200);
    expect(w.headers['etag']).toBe(`"${md5(data)}"`);
    expect(stored('obj').data.equals(data)).toBe(false);
    expect(meta('obj')).toMatchObject({ 'x-object-meta-s3gw-sse': 's1', 'x-object-meta-s3gw-sse-kp': 'keyring', 'x-object-meta-s3gw-sse-kid': 'k-now' });
    // The stored ETag is sealed in the Content-Type; clients see the plain type.
    expect(stored('obj').contentType).toContain('s3gw_etag=' + md5(data));
    const r = await rig.s3('GET', '/bkt/obj');
    expect(r.body.equals(data)).toBe(true);
    expect(r.headers['etag']).toBe(`"${md5(data)}"`);
    expect(r.headers['content-type']).not.toContain('s3gw');
    const list = await rig.s3('GET', '/bkt?list-type=2');
    expect(xmlValue(list.text(), 'ETag')).toBe(`"${md5(data)}"`);
  });

  it('SSE-KMS: mode k1 under the named key; the ETag is Swift\'s (of the ciphertext), not the plaintext MD5', async () => {
    await rigWith({ kms: keyring() });
    const data = Buffer.from('kms body');
    const w = await rig.s3('PUT', '/bkt/obj', { body: data, headers: KMS });
    expect(w.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('k-other');
    expect(w.headers['etag']).toBe(`"${stored('obj').etag}"`);
    expect(w.headers['etag']).not.toBe(`"${md5(data)}"`);
    expect(meta('obj')['x-object-meta-s3gw-sse']).toBe('k1');
    expect((await rig.s3('GET', '/bkt/obj')).body.equals(data)).toBe(true);
  });

  it('no header and no bucket default: plaintext, no SSE header in the answer', async () => {
    await rigWith({ sseS3: keyring() });
    const w = await rig.s3('PUT', '/bkt/plain', { body: 'plain' });
    expect(w.headers['x-amz-server-side-encryption']).toBeUndefined();
    expect(stored('plain').data.toString()).toBe('plain');
  });

  it('a bucket default applies to writes without a header; the request\'s own header wins', async () => {
    await rigWith({ sseS3: keyring(), kms: keyring() });
    expect((await rig.s3('PUT', '/bkt?encryption', { body: config('AES256') })).status).toBe(200);
    expect((await rig.s3('PUT', '/bkt/by-default', { body: 'x' })).headers['x-amz-server-side-encryption']).toBe('AES256');
    expect(meta('by-default')['x-object-meta-s3gw-sse']).toBe('s1');
    expect((await rig.s3('PUT', '/bkt/own', { body: 'x', headers: KMS })).headers['x-amz-server-side-encryption']).toBe('aws:kms');
    expect((await rig.s3('DELETE', '/bkt?encryption')).status).toBe(204);
    expect((await rig.s3('PUT', '/bkt/after', { body: 'x' })).headers['x-amz-server-side-encryption']).toBeUndefined();
  });
});

describe('error paths', () => {
  it('no provider for the mode: NotImplemented, before any byte is stored', async () => {
    await rigWith({ sseS3: keyring() });
    const r = await rig.s3('PUT', '/bkt/x', { body: 'x', headers: KMS });
    expect(r.status).toBe(501);
    expect(stored('x')).toBeUndefined();
    expect((await rig.s3('PUT', '/bkt?encryption', { body: config('aws:kms') })).status).toBe(501);
  });

  it('a key the provider does not hold: 400 KMS.NotFoundException (PutObject and PutBucketEncryption)', async () => {
    await rigWith({ kms: keyring() });
    const r = await rig.s3('PUT', '/bkt/x', { body: 'x', headers: { ...KMS, 'x-amz-server-side-encryption-aws-kms-key-id': 'nope' } });
    expect([r.status, xmlValue(r.text(), 'Code')]).toEqual([400, 'KMS.NotFoundException']);
    expect((await rig.s3('PUT', '/bkt?encryption', { body: config('aws:kms', 'nope') })).status).toBe(400);
  });

  it('a key manager that fails: 503 on write, and on read of an object it wrapped', async () => {
    const good = keyring();
    let down = false;
    const flaky: KeyProvider = {
      name: 'keyring',
      wrap: (k, c, id) => (down ? Promise.reject(keyManagerUnavailable('test')) : good.wrap(k, c, id)),
      unwrap: (w, c, id) => (down ? Promise.reject(keyManagerUnavailable('test')) : good.unwrap(w, c, id)),
    };
    await rigWith({ sseS3: flaky });
    expect((await rig.s3('PUT', '/bkt/x', { body: 'x', headers: SSE_S3 })).status).toBe(200);
    down = true;
    expect((await rig.s3('PUT', '/bkt/y', { body: 'y', headers: SSE_S3 })).status).toBe(503);
    expect((await rig.s3('GET', '/bkt/x')).status).toBe(503);
    down = false;
    expect((await rig.s3('GET', '/bkt/x')).text()).toBe('x');
  });

  it('an object whose provider is no longer configured is 503, never its ciphertext', async () => {
    const shared = keyring();
    // (A plain object: its name changes below, as if the operator had switched providers.)
    const provider: { name: string } & KeyProvider = { name: 'keyring', wrap: shared.wrap.bind(shared), unwrap: shared.unwrap.bind(shared) };
    await rigWith({ sseS3: provider });
    expect((await rig.s3('PUT', '/bkt/x', { body: 'xyz', headers: SSE_S3 })).status).toBe(200);
    provider.name = 'barbican';
    const r = await rig.s3('GET', '/bkt/x');
    expect(r.status).toBe(503);
    expect(xmlValue(r.text(), 'Message')).toContain('keyring key provider');
  });

  it('a wrapped key that does not authenticate (the keyring\'s key replaced) is 403 AccessDenied', async () => {
    const before = keyring();
    await rigWith({ sseS3: before });
    expect((await rig.s3('PUT', '/bkt/x', { body: 'x', headers: SSE_S3 })).status).toBe(200);
    before.replace({ dir: '(memory)', current: 'k-now', keys: new Map([['k-now', randomBytes(32)]]) });
    const r = await rig.s3('GET', '/bkt/x');
    expect([r.status, xmlValue(r.text(), 'Code')]).toEqual([403, 'AccessDenied']);
  });
});
