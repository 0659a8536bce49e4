// Encrypted multipart uploads against the real Swift (operations/encryption/
// multipart-*.ts), in all three modes: the parts and the object in Swift are
// ciphertext, GET gives back the plaintext byte for byte (whole, ranges
// across part boundaries, suffixes, partNumber), the answers carry S3's
// headers, the ETags follow S3's rules, S3's errors for SSE-C keys on parts,
// and a changed ciphertext byte is detected on a full read. boto3, the aws
// CLI and a 100 MiB object: sse-multipart-clients.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { writeKeyring } from '../helpers/keyring.js';
import { xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { rawS3v4 } from '../helpers/sigv4-client.js';
import { purgeBucket, swiftDirect } from '../helpers/swift-direct.js';
import { openSocket, signedHead } from '../helpers/raw-socket.js';
import { customerKey } from '../helpers/sse-c.js';

const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const multipartEtag = (etags: string[]) => `"${createHash('md5').update(Buffer.concat(etags.map((e) => Buffer.from(e.replace(/"/g, ''), 'hex')))).digest('hex')}-${etags.length}"`;

let gw: TestGateway;
let keys: Keys;
let b: string;

const s3 = (method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string) => rawS3v4(gw.url, keys, { method, path: `/${b}/${path}`, headers, body });
const stored = async (container: string, object: string) => (await swiftDirect(gw.stack, 'demo', 'GET', container, object)).body;

async function create(key: string, headers: Record<string, string>) {
  const res = await s3('POST', `${key}?uploads`, headers);
  expect(res.status, res.text()).toBe(200);
  return { id: xmlValue(res.text(), 'UploadId')!, headers: res.headers };
}

async function part(key: string, id: string, n: number, body: Buffer, headers: Record<string, string> = {}) {
  const res = await s3('PUT', `${key}?partNumber=${n}&uploadId=${id}`, headers, body);
  expect(res.status, res.text()).toBe(200);
  return res;
}

const completeBody = (parts: [number, string][]) =>
  `<CompleteMultipartUpload>${parts.map(([n, e]) => `<Part><PartNumber>${n}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;

/** Uploads `parts` as an encrypted multipart object; answers the part ETags and Complete's answer. */
async function uploadObject(key: string, createHeaders: Record<string, string>, parts: Buffer[], partHeaders: Record<string, string> = {}) {
  const { id, headers } = await create(key, createHeaders);
  const etags: string[] = [];
  for (const [i, body] of parts.entries()) etags.push((await part(key, id, i + 1, body, partHeaders)).headers['etag']!);
  const done = await s3('POST', `${key}?uploadId=${id}`, {}, completeBody(etags.map((e, i) => [i + 1, e])));
  expect(done.status, done.text()).toBe(200);
  return { id, etags, createHeaders: headers, done };
}

beforeAll(async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 's3gw-keyring-')), 'keys');
  writeKeyring(dir, ['key-a']);
  gw = await startGateway({ dialect: 'aws', env: { S3GW_ENCRYPTION_KEYRING_DIR: dir, S3GW_ENCRYPTION_KEYRING_CURRENT: 'key-a' } });
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('sse-mpu');
  expect((await s3('PUT', '')).status).toBe(200);
});

afterAll(async () => {
  await purgeBucket(gw.stack, 'demo', b);
  await gw.stop();
});

const p1 = randomBytes(5 * MiB);
const p2 = randomBytes(5 * MiB);
const p3 = randomBytes(1);
const whole = Buffer.concat([p1, p2, p3]);

interface Mode { name: string; create: Record<string, string>; read: Record<string, string>; plaintextEtags: boolean; answer: Record<string, string> }
const MODES: Mode[] = ((): Mode[] => {
  const c = customerKey();
  return [
    { name: 'SSE-S3', create: { 'x-amz-server-side-encryption': 'AES256' }, read: {}, plaintextEtags: true, answer: { 'x-amz-server-side-encryption': 'AES256' } },
    {
      name: 'SSE-KMS', create: { 'x-amz-server-side-encryption': 'aws:kms' }, read: {}, plaintextEtags: false,
      answer: { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': 'key-a' },
    },
    {
      name: 'SSE-C', create: c, read: c, plaintextEtags: false,
      answer: { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key-md5': c['x-amz-server-side-encryption-customer-key-md5']! },
    },
  ];
})();

for (const mode of MODES) {
  describe(`${mode.name} multipart upload (parts of 5 MiB, 5 MiB and 1 byte)`, () => {
    const key = `${mode.name}/obj`;
    let etags: string[];
    let objectEtag: string;

    beforeAll(async () => {
      const partHeaders = mode.name === 'SSE-C' ? mode.read : {};
      const up = await uploadObject(key, mode.create, [p1, p2, p3], partHeaders);
      etags = up.etags;
      objectEtag = xmlValue(up.done.text(), 'ETag')!.replace(/&quot;/g, '"');
      for (const [name, value] of Object.entries(mode.answer)) expect(up.createHeaders[name], name).toBe(value);
      if (mode.name !== 'SSE-C') expect(up.done.headers['x-amz-server-side-encryption']).toBe(mode.answer['x-amz-server-side-encryption']);
    });

    it('keeps only ciphertext in Swift, parts and object alike', async () => {
      const object = await stored(b, key);
      expect(object.length).toBe(whole.length);
      expect(object.equals(whole)).toBe(false);
      expect(object.subarray(0, 1024).equals(p1.subarray(0, 1024))).toBe(false);
      const head = await swiftDirect(gw.stack, 'demo', 'HEAD', b, key);
      expect(head.headers['x-object-meta-s3gw-sse-mp']).toBe('p1');
    });

    it('answers part ETags and the object ETag by S3\'s rules', () => {
      if (mode.plaintextEtags) expect(etags).toEqual([p1, p2, p3].map((p) => `"${md5(p)}"`));
      else expect(etags[0]).not.toBe(`"${md5(p1)}"`);
      expect(objectEtag).toBe(multipartEtag(etags));
    });

    it('gives back the plaintext byte for byte, with S3\'s headers and the plaintext size', async () => {
      const r = await s3('GET', key, mode.read);
      expect(r.status).toBe(200);
      expect(r.headers['content-length']).toBe(String(whole.length));
      expect(r.headers['etag']).toBe(objectEtag);
      expect(r.body.equals(whole)).toBe(true);
      for (const [name, value] of Object.entries(mode.answer)) expect(r.headers[name], name).toBe(value);
      const h = await s3('HEAD', key, mode.read);
      expect(h.headers['content-length']).toBe(String(whole.length));
      expect(h.headers['etag']).toBe(objectEtag);
    });

    it('decrypts ranges within a part, across part boundaries, and suffixes', async () => {
      const cases: [string, Buffer][] = [
        ['bytes=100-200', whole.subarray(100, 201)],
        [`bytes=${5 * MiB - 7}-${5 * MiB + 9}`, whole.subarray(5 * MiB - 7, 5 * MiB + 10)],
        [`bytes=${5 * MiB - 3}-`, whole.subarray(5 * MiB - 3)],
        ['bytes=-2', whole.subarray(whole.length - 2)],
        [`bytes=${10 * MiB}-${10 * MiB}`, p3],
        [`bytes=17-${10 * MiB + 5}`, whole.subarray(17)],
      ];
      for (const [range, want] of cases) {
        const r = await s3('GET', key, { ...mode.read, range });
        expect(r.status, range).toBe(206);
        expect(r.body.equals(want), range).toBe(true);
      }
    });

    it('reads each part by partNumber', async () => {
      for (const [i, want] of [p1, p2, p3].entries()) {
        const r = await s3('GET', `${key}?partNumber=${i + 1}`, mode.read);
        expect(r.status).toBe(206);
        expect(r.headers['x-amz-mp-parts-count']).toBe('3');
        expect(r.body.equals(want)).toBe(true);
      }
    });

    it('reports plaintext sizes in the bucket listing and GetObjectAttributes', async () => {
      const r = await s3('GET', `?list-type=2&prefix=${encodeURIComponent(key)}`);
      expect(xmlValue(r.text(), 'Size')).toBe(String(whole.length));
      expect(xmlValue(r.text(), 'ETag')!.replace(/&quot;/g, '"')).toBe(objectEtag);
      const a = await s3('GET', `${key}?attributes`, { ...mode.read, 'x-amz-object-attributes': 'ETag,ObjectSize,ObjectParts' });
      expect(a.status, a.text()).toBe(200);
      expect(xmlValue(a.text(), 'ObjectSize')).toBe(String(whole.length));
      expect(xmlValue(a.text(), 'PartsCount')).toBe('3');
      expect(`"${xmlValue(a.text(), 'ETag')}"`).toBe(objectEtag);
    });
  });
}

describe('SSE-C keys on the parts of an upload', () => {
  const c = customerKey();
  it('refuses a part without the key, with another key, and a read without it; ListParts and Complete need none', async () => {
    const key = 'ssec/keys';
    const { id } = await create(key, c);
    const missing = await s3('PUT', `${key}?partNumber=1&uploadId=${id}`, {}, p1);
    expect(missing.status).toBe(400);
    expect(xmlValue(missing.text(), 'Code')).toBe('InvalidRequest');
    const other = await s3('PUT', `${key}?partNumber=1&uploadId=${id}`, customerKey(), p1);
    expect(other.status).toBe(400);
    expect(xmlValue(other.text(), 'Code')).toBe('InvalidRequest');
    const e1 = (await part(key, id, 1, p1, c)).headers['etag']!;
    const e2 = (await part(key, id, 2, p3, c)).headers['etag']!;
    const list = await s3('GET', `${key}?uploadId=${id}`);
    expect(list.status).toBe(200);
    expect(xmlValues(list.text(), 'Size')).toEqual([String(p1.length), '1']);
    expect(xmlValues(list.text(), 'ETag').map((e) => e.replace(/&quot;/g, '"'))).toEqual([e1, e2]);
    const done = await s3('POST', `${key}?uploadId=${id}`, {}, completeBody([[1, e1], [2, e2]]));
    expect(done.status, done.text()).toBe(200);
    const noKey = await s3('GET', key);
    expect(noKey.status).toBe(400);
    const wrong = await s3('GET', key, customerKey());
    expect(wrong.status).toBe(403);
    const r = await s3('GET', key, c);
    expect(r.body.equals(Buffer.concat([p1, p3]))).toBe(true);
  });

  it('refuses SSE-C headers on a part of a plaintext upload', async () => {
    const { id } = await create('ssec/plain', {});
    const r = await s3('PUT', `ssec/plain?partNumber=1&uploadId=${id}`, c, p3);
    expect(r.status).toBe(400);
    expect(xmlValue(r.text(), 'Code')).toBe('InvalidRequest');
  });
});

describe('an encrypted upload and what this gateway does not do with it', () => {
  it('refuses UploadPartCopy into an encrypted upload with NotImplemented', async () => {
    expect((await s3('PUT', 'copy/src', {}, Buffer.from('source'))).status).toBe(200);
    const { id } = await create('copy/dst', { 'x-amz-server-side-encryption': 'AES256' });
    const r = await s3('PUT', `copy/dst?partNumber=1&uploadId=${id}`, { 'x-amz-copy-source': `/${b}/copy/src` });
    expect(r.status).toBe(501);
    expect(xmlValue(r.text(), 'Code')).toBe('NotImplemented');
  });

  it('applies the bucket default encryption to a multipart upload', async () => {
    const bucket = uniqueBucket('sse-mpu-default');
    const at = (path: string) => `/${bucket}/${path}`;
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${bucket}` })).status).toBe(200);
    try {
      const config = '<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>';
      expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: at('?encryption'), body: config })).status).toBe(200);
      const c = await rawS3v4(gw.url, keys, { method: 'POST', path: at('k?uploads') });
      expect(c.status, c.text()).toBe(200);
      expect(c.headers['x-amz-server-side-encryption']).toBe('AES256');
      const id = xmlValue(c.text(), 'UploadId')!;
      const e = (await rawS3v4(gw.url, keys, { method: 'PUT', path: at(`k?partNumber=1&uploadId=${id}`), body: p3 })).headers['etag']!;
      expect(e).toBe(`"${md5(p3)}"`);
      expect((await rawS3v4(gw.url, keys, { method: 'POST', path: at(`k?uploadId=${id}`), body: completeBody([[1, e]]) })).status).toBe(200);
      expect((await stored(bucket, 'k')).equals(p3)).toBe(false);
      expect((await rawS3v4(gw.url, keys, { method: 'GET', path: at('k') })).body.equals(p3)).toBe(true);
    } finally {
      await purgeBucket(gw.stack, 'demo', bucket);
    }
  });
});

describe('an encrypted UploadPart cut off', () => {
  it('leaves no part behind: the client went away mid-body, ListParts and Swift show nothing', async () => {
    const key = 'cut/obj';
    const { id } = await create(key, { 'x-amz-server-side-encryption': 'AES256' });
    const conn = await openSocket(gw.port);
    conn.write(signedHead('PUT', `/${b}/${key}?partNumber=1&uploadId=${id}`, keys, ['Content-Length: 6000000']));
    // Gone once a MiB of the body has left (whether or not the Swift PUT has begun, the outcome must be the same).
    await new Promise<void>((resolve) => conn.socket.write(p1.subarray(0, MiB), () => resolve()));
    conn.socket.destroy();
    let line: Record<string, unknown> | undefined;
    for (let i = 0; i < 200 && !line; i++) {
      line = gw.logs.find((l) => l['msg'] === 'request' && l['operation'] === 'UploadPart' && l['status'] === 499);
      if (!line) await new Promise((r) => setTimeout(r, 50));
    }
    expect(line, 'the access log line of the cut UploadPart').toBeDefined();
    const list = await s3('GET', `${key}?uploadId=${id}`);
    expect(xmlValue(list.text(), 'PartNumber')).toBeUndefined();
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', `${b}+segments`, `${key}/${id}/1`)).status).toBe(404);
  });
});

describe('tampering with an encrypted multipart object through Swift', () => {
  it('refuses every read once a part\'s ciphertext changed and the manifest was rewritten for it', async () => {
    const key = 'tamper/obj';
    const { id } = await uploadObject(key, { 'x-amz-server-side-encryption': 'AES256' }, [p1, p3]);
    const segments = `${b}+segments`;
    const partObject = `${key}/${id}/1`;
    const head = await swiftDirect(gw.stack, 'demo', 'HEAD', segments, partObject);
    const bytes = await stored(segments, partObject);
    bytes[12345] = bytes[12345]! ^ 1;
    // The same size and Content-Type (its sealed text), other bytes.
    expect((await swiftDirect(gw.stack, 'demo', 'PUT', segments, partObject, { body: bytes, headers: { 'content-type': head.headers['content-type']! } })).status).toBe(201);
    // Rewrite the object's manifest for the new bytes, keeping all its metadata (its seals are bound to name and size only).
    const manifest = JSON.parse((await swiftDirect(gw.stack, 'demo', 'GET', b, key, { query: { 'multipart-manifest': 'get' } })).body.toString()) as { name: string; bytes: number }[];
    const objectHead = (await swiftDirect(gw.stack, 'demo', 'HEAD', b, key)).headers;
    const meta = Object.fromEntries(Object.entries(objectHead).filter(([n]) => n.startsWith('x-object-meta-') || n === 'content-type')) as Record<string, string>;
    const entries = manifest.map((s) => ({ path: s.name, size_bytes: s.bytes, etag: null }));
    const rewritten = await swiftDirect(gw.stack, 'demo', 'PUT', b, key, { query: { 'multipart-manifest': 'put' }, headers: meta, body: Buffer.from(JSON.stringify(entries)) });
    expect(rewritten.status).toBe(201);
    for (const [path, headers] of [[key, {}], [`${key}?partNumber=1`, {}], [key, { range: 'bytes=12340-12350' }]] as const) {
      const r = await s3('GET', path, headers);
      expect(r.status, path).toBe(403);
      expect(xmlValue(r.text(), 'Code')).toBe('AccessDenied');
    }
  });
});
