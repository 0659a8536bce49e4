// XML request bodies against the real stack: markup no S3 client sends is
// refused with MalformedXML, the largest legal DeleteObjects body is read and
// acted on in full while other requests are served, and a body over its cap is
// refused without being read. (How long a body may hold the event loop is
// measured by bench/xml-stall.ts, not asserted here.)
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DELETE_BODY } from '../../src/operations/object/delete-objects.js';
import { keyPath, rawS3, signV2, stringToSignV2, xmlValue, xmlValues, type Keys, type RawResponse } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
let b: string;

const md5b64 = (d: string | Buffer) => createHash('md5').update(d).digest('base64');
const multiDelete = (body: string) => rawS3(gw.url, { method: 'POST', path: `/${b}?delete`, keys, body, headers: { 'content-md5': md5b64(body) } });
const code = (res: RawResponse) => xmlValue(res.text(), 'Code');

/**
 * A key of exactly 1024 UTF-8 bytes that escapes about as heavily as the cap
 * allows: `"`, LF and `&` are 6 bytes each once written, 😀 is 9.
 */
function heavyKey(i: number): string {
  const key = `xmlb/${String(i).padStart(4, '0')}/` + '"\n&'.repeat(206) + '😀'.repeat(99);
  expect(Buffer.byteLength(key)).toBe(1024);
  return key;
}

const escapeHeavily = (key: string) =>
  key.replace(/[&"\n]|\u{1F600}/gu, (c) => ({ '&': '&amp;', '"': '&quot;', '\n': '&#x0A;' })[c] ?? '&#x1F600;');

beforeAll(async () => {
  gw = await startGateway();
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('xmlb');
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys })).status).toBe(201);
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', b);
  await gw.stop();
});

/** Sends the head of a request and a little of its body, and reads the answer without sending the rest. */
async function sendPartly(method: string, path: string, contentLength: number, firstBytes: string): Promise<string> {
  const date = new Date().toUTCString();
  const sig = signV2(keys.secret, stringToSignV2(method, path, { date }));
  const socket = connect(gw.port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let answer = '';
  socket.on('data', (d: Buffer) => (answer += d.toString()));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nDate: ${date}\r\nAuthorization: AWS ${keys.access}:${sig}\r\n`
    + `Content-Length: ${contentLength}\r\n\r\n${firstBytes}`);
  await closed;
  return answer;
}

describe('markup S3 clients never send', () => {
  it('refuses a DeleteObjects body of 2 MB of processing instructions with MalformedXML, deleting nothing', async () => {
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/kept`, keys, body: 'x' })).status).toBe(201);
    const body = `<Delete><Object><Key>kept</Key></Object>${'<?x y?>'.repeat(300_000)}</Delete>`;
    expect(body.length).toBeGreaterThan(2_000_000);
    const res = await multiDelete(body);
    expect(res.status).toBe(400);
    expect(code(res)).toBe('MalformedXML');
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'kept')).status).toBe(200);
  });

  it('refuses comments, DOCTYPE, CDATA and processing instructions in every XML body it reads', async () => {
    const res = await multiDelete('<Delete><Object><Key><![CDATA[kept]]></Key></Object></Delete>');
    expect(code(res)).toBe('MalformedXML');
    // Of an upload that exists: an unknown upload id is NoSuchUpload before its body is judged.
    const id = /<UploadId>([^<]+)<\/UploadId>/.exec((await rawS3(gw.url, { method: 'POST', path: `/${b}/k?uploads`, keys })).text())![1]!;
    const complete = await rawS3(gw.url, {
      method: 'POST', path: `/${b}/k?uploadId=${id}`, keys, body: '<!DOCTYPE x><CompleteMultipartUpload><Part/></CompleteMultipartUpload>',
    });
    expect(complete.status).toBe(400);
    expect(code(complete)).toBe('MalformedXML');
    await rawS3(gw.url, { method: 'DELETE', path: `/${b}/k?uploadId=${id}`, keys });
    const acl = await rawS3(gw.url, { method: 'PUT', path: `/${b}?acl`, keys, body: '<?x y?><AccessControlPolicy/>' });
    expect(acl.status).toBe(400);
    expect(code(acl)).toBe('MalformedACLError');
    const create = await rawS3(gw.url, {
      method: 'PUT', path: `/${uniqueBucket('xmlc')}`, keys, body: '<CreateBucketConfiguration><!-- c --></CreateBucketConfiguration>',
    });
    expect(create.status).toBe(400);
    expect(code(create)).toBe('MalformedXML');
  });
});

describe('the largest legal DeleteObjects body', () => {
  it('deletes all 1000 keys of 1024 bytes, heavily escaped, right under the cap, while other requests are answered', async () => {
    const names = Array.from({ length: 1000 }, (_, i) => heavyKey(i));
    for (const key of names.slice(0, 5)) {
      expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/${keyPath(key)}`, keys, body: 'x' })).status).toBe(201);
    }
    const objects = names.map((k) => `<Object><Key>${escapeHeavily(k)}</Key><VersionId>null</VersionId></Object>`).join('');
    const body = `<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${objects}</Delete>`;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_DELETE_BODY);
    expect(Buffer.byteLength(body)).toBeGreaterThan(0.98 * MAX_DELETE_BODY);

    let finished = false;
    const deleting = multiDelete(body).finally(() => (finished = true));
    const heads: number[] = [];
    while (!finished) heads.push((await rawS3(gw.url, { method: 'HEAD', path: `/${b}`, keys })).status);
    const res = await deleting;

    expect(res.status, res.text().slice(0, 300)).toBe(200);
    expect(res.text()).toContain('<DeleteResult');
    expect(xmlValues(res.text(), 'Code')).toEqual([]);
    expect(xmlValues(res.text(), 'Key').sort()).toEqual([...names].sort());
    for (const key of names.slice(0, 5)) expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, key)).status).toBe(404);
    expect(heads.length).toBeGreaterThan(0);
    expect(heads.every((s) => s === 200)).toBe(true);
  }, 120_000);
});

describe('a body over its cap', () => {
  it('is refused with MalformedXML naming the cap before the gateway reads it, when its Content-Length says so', async () => {
    const answer = await sendPartly('POST', `/${b}?delete`, MAX_DELETE_BODY + 1, '<Delete><Object><Key>kept</Key>');
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(answer).toContain('<Code>MalformedXML</Code>');
    expect(answer).toContain(`larger than the ${MAX_DELETE_BODY} bytes`);
    for (const [path, cap] of [[`/${b}/k?uploadId=nope`, 2 * 1024 * 1024], [`/${b}?acl`, 64 * 1024]] as const) {
      const other = await sendPartly(path.includes('acl') ? 'PUT' : 'POST', path, cap + 1, '<');
      expect(other, path).toContain('<Code>MalformedXML</Code>');
    }
  });

  it('is refused as soon as it passes the cap when it comes without a length (chunked)', async () => {
    const body = `<Delete>${' '.repeat(MAX_DELETE_BODY)}<Object><Key>kept</Key></Object></Delete>`;
    const res = await rawS3(gw.url, { method: 'POST', path: `/${b}?delete`, keys, body, chunked: true, headers: { 'content-md5': md5b64(body) } });
    expect(res.status).toBe(400);
    expect(code(res)).toBe('MalformedXML');
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'kept')).status).toBe(200);
  });
});
