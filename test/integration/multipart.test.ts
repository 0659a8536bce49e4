// Multipart upload on Swift SLO through the gateway, against the real stack:
// the happy path, every error S3 names, no orphaned segments, partNumber reads,
// and uploads served by two separate gateway processes.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { startGatewayProcess } from '../helpers/process.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
let b: string;
const MiB = 1024 * 1024;
const part1 = randomBytes(5 * MiB);
const part2 = randomBytes(5 * MiB + 123);
const part3 = randomBytes(1000);
const md5 = (d: Buffer) => createHash('md5').update(d).digest('hex');
const s3Etag = (...parts: Buffer[]) =>
  `"${createHash('md5').update(Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()))).digest('hex')}-${parts.length}"`;

beforeAll(async () => {
  gw = await startGateway();
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('mpu');
  await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys });
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', b);
  await purgeContainer(gw.stack, 'demo', `${b}+segments`);
  await gw.stop();
});

async function create(key: string, headers: Record<string, string> = {}, url = gw.url): Promise<string> {
  const res = await rawS3(url, { method: 'POST', path: `/${b}/${key}?uploads`, keys, headers });
  expect(res.status, res.text()).toBe(200);
  return xmlValue(res.text(), 'UploadId')!;
}

async function upload(key: string, id: string, n: number, body: Buffer, url = gw.url): Promise<string> {
  const res = await rawS3(url, { method: 'PUT', path: `/${b}/${key}?partNumber=${n}&uploadId=${id}`, keys, body });
  expect(res.status, res.text()).toBe(200);
  return res.headers['etag']!;
}

function completeBody(parts: [number, string][]): string {
  return `<CompleteMultipartUpload>${parts.map(([n, e]) => `<Part><PartNumber>${n}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
}

const complete = (key: string, id: string, parts: [number, string][], url = gw.url) =>
  rawS3(url, { method: 'POST', path: `/${b}/${key}?uploadId=${id}`, keys, body: completeBody(parts) });

async function segmentNames(): Promise<string[]> {
  const res = await swiftDirect(gw.stack, 'demo', 'GET', `${b}+segments`, undefined, { query: { format: 'json' } });
  return res.status === 200 ? (JSON.parse(res.body.toString()) as { name: string }[]).map((r) => r.name) : [];
}

describe('a multipart upload from start to finish', () => {
  it('stores an SLO whose ETag is S3\'s multipart ETag and whose bytes are the parts in order', async () => {
    const id = await create('big.bin', { 'content-type': 'application/x-big', 'x-amz-meta-origin': 'mpu', 'x-amz-meta-snake_name': 's' });
    expect(id).toMatch(/^[A-Za-z0-9_-]{48}$/);
    const e1 = await upload('big.bin', id, 1, part1);
    const e2 = await upload('big.bin', id, 2, part2);
    expect(e1).toBe(`"${md5(part1)}"`);

    const parts = await rawS3(gw.url, { method: 'GET', path: `/${b}/big.bin?uploadId=${id}`, keys });
    expect(xmlValues(parts.text(), 'PartNumber')).toEqual(['1', '2']);
    expect(xmlValues(parts.text(), 'Size')).toEqual([String(part1.length), String(part2.length)]);

    const done = await complete('big.bin', id, [[1, e1], [2, e2]]);
    expect(done.status, done.text()).toBe(200);
    const etag = s3Etag(part1, part2);
    expect(xmlValue(done.text(), 'ETag')).toBe(etag);

    const get = await rawS3(gw.url, { method: 'GET', path: `/${b}/big.bin`, keys });
    expect(get.body.equals(Buffer.concat([part1, part2]))).toBe(true);
    expect(get.headers).toMatchObject({ etag, 'content-type': 'application/x-big', 'x-amz-meta-origin': 'mpu', 'x-amz-meta-snake_name': 's' });
    expect(Object.keys(get.headers).filter((h) => h.includes('s3gw'))).toEqual([]);
    const list = await rawS3(gw.url, { method: 'GET', path: `/${b}?prefix=big.bin`, keys });
    expect(xmlValue(list.text(), 'ETag')).toBe(etag);
    expect(xmlValue(list.text(), 'Size')).toBe(String(part1.length + part2.length));

    // The marker is gone; the parts are the object's segments.
    expect((await segmentNames()).filter((n) => n.startsWith('big.bin/'))).toEqual([`big.bin/${id}/1`, `big.bin/${id}/2`]);
    const direct = await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'big.bin');
    expect(direct.headers['x-static-large-object']).toBe('True');
  });

  it('reads one part with partNumber, as S3 does', async () => {
    const part = await rawS3(gw.url, { method: 'GET', path: `/${b}/big.bin?partNumber=2`, keys });
    expect(part.status).toBe(206);
    expect(part.body.equals(part2)).toBe(true);
    expect(part.headers['x-amz-mp-parts-count']).toBe('2');
    expect(part.headers['content-range']).toBe(`bytes ${part1.length}-${part1.length + part2.length - 1}/${part1.length + part2.length}`);
    const head = await rawS3(gw.url, { method: 'HEAD', path: `/${b}/big.bin?partNumber=1`, keys });
    expect(head.status).toBe(206);
    expect(head.headers['content-length']).toBe(String(part1.length));
    expect(head.headers['x-amz-mp-parts-count']).toBe('2');
    const beyond = await rawS3(gw.url, { method: 'GET', path: `/${b}/big.bin?partNumber=3`, keys });
    expect(beyond.status).toBe(416);
    expect(xmlValue(beyond.text(), 'Code')).toBe('InvalidPartNumber');
  });

  it('evaluates If-Match / If-None-Match against the multipart ETag, not Swift\'s SLO ETag', async () => {
    const etag = s3Etag(part1, part2);
    const ranged = await rawS3(gw.url, { method: 'GET', path: `/${b}/big.bin`, keys, headers: { range: 'bytes=0-99', 'if-match': etag } });
    expect(ranged.status).toBe(206);
    expect(ranged.body.equals(part1.subarray(0, 100))).toBe(true);
    const cached = await rawS3(gw.url, { method: 'GET', path: `/${b}/big.bin`, keys, headers: { 'if-none-match': etag } });
    expect(cached.status).toBe(304);
    expect(cached.headers['etag']).toBe(etag);
    const sloEtag = (await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'big.bin')).headers['etag']!;
    const wrong = await rawS3(gw.url, { method: 'GET', path: `/${b}/big.bin`, keys, headers: { 'if-match': sloEtag } });
    expect(wrong.status).toBe(412);
    expect((await rawS3(gw.url, { method: 'HEAD', path: `/${b}/big.bin`, keys, headers: { 'if-match': etag, 'if-unmodified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' } })).status).toBe(200);
    const id = await create('cond-copy');
    const copied = await rawS3(gw.url, {
      method: 'PUT', path: `/${b}/cond-copy?partNumber=1&uploadId=${id}`, keys,
      headers: { 'x-amz-copy-source': `/${b}/big.bin`, 'x-amz-copy-source-range': 'bytes=0-99', 'x-amz-copy-source-if-match': etag },
    });
    expect(copied.status, copied.text()).toBe(200);
    const whole = await rawS3(gw.url, { method: 'PUT', path: `/${b}/big-copy`, keys, headers: { 'x-amz-copy-source': `/${b}/big.bin`, 'x-amz-copy-source-if-match': etag } });
    expect(whole.status, whole.text()).toBe(201);
    await rawS3(gw.url, { method: 'DELETE', path: `/${b}/cond-copy?uploadId=${id}`, keys });
  });

  it('answers a repeated Complete of a finished upload as the first one', async () => {
    const id = await create('again');
    const e1 = await upload('again', id, 1, part3);
    const first = await complete('again', id, [[1, e1]]);
    expect(first.status).toBe(200);
    const second = await complete('again', id, [[1, e1]]);
    expect(second.status).toBe(200);
    expect(xmlValue(second.text(), 'ETag')).toBe(xmlValue(first.text(), 'ETag'));
  });

  it('deletes the segments with the object, and replaces them without orphans on overwrite', async () => {
    const id = await create('over');
    const e1 = await upload('over', id, 1, part1);
    const e2 = await upload('over', id, 2, part3);
    expect((await complete('over', id, [[1, e1], [2, e2]])).status).toBe(200);
    const id2 = await create('over');
    const f1 = await upload('over', id2, 1, part3);
    expect((await complete('over', id2, [[1, f1]])).status).toBe(200);
    expect((await segmentNames()).filter((n) => n.startsWith('over/'))).toEqual([`over/${id2}/1`]);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/over`, keys, body: 'plain now' })).status).toBe(201);
    expect((await segmentNames()).filter((n) => n.startsWith('over/'))).toEqual([]);

    const id3 = await create('gone');
    const g1 = await upload('gone', id3, 1, part3);
    expect((await complete('gone', id3, [[1, g1]])).status).toBe(200);
    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${b}/gone`, keys })).status).toBe(204);
    expect((await segmentNames()).filter((n) => n.startsWith('gone/'))).toEqual([]);
  });

  it('discards uploaded parts the Complete does not name', async () => {
    const id = await create('partial');
    const e1 = await upload('partial', id, 1, part3);
    await upload('partial', id, 2, part3);
    expect((await complete('partial', id, [[1, e1]])).status).toBe(200);
    expect((await segmentNames()).filter((n) => n.startsWith('partial/'))).toEqual([`partial/${id}/1`]);
  });
});

describe('multipart errors', () => {
  it('refuses parts out of order (InvalidPartOrder), unknown ETags (InvalidPart) and small parts (EntityTooSmall)', async () => {
    const id = await create('errs');
    const e1 = await upload('errs', id, 1, part3);
    const e2 = await upload('errs', id, 2, part3);
    const order = await complete('errs', id, [[2, e2], [1, e1]]);
    expect(order.status).toBe(400);
    expect(xmlValue(order.text(), 'Code')).toBe('InvalidPartOrder');
    const wrong = await complete('errs', id, [[1, '"0123456789abcdef0123456789abcdef"']]);
    expect(xmlValue(wrong.text(), 'Code')).toBe('InvalidPart');
    const missing = await complete('errs', id, [[1, e1], [3, e2]]);
    expect(xmlValue(missing.text(), 'Code')).toBe('InvalidPart');
    const small = await complete('errs', id, [[1, e1], [2, e2]]);
    expect(small.status).toBe(400);
    expect(xmlValue(small.text(), 'Code')).toBe('EntityTooSmall');
    const malformed = await rawS3(gw.url, { method: 'POST', path: `/${b}/errs?uploadId=${id}`, keys, body: '<CompleteMultipartUpload>' });
    expect(xmlValue(malformed.text(), 'Code')).toBe('MalformedXML');
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'errs')).status).toBe(404);
  });

  it('answers NoSuchUpload (404) for an unknown upload id in every step', async () => {
    const bogus = 'bm90LWFuLXVwbG9hZC1pZC1hdC1hbGwtbm90LWFuLXVwbG9hZA';
    for (const req of [
      { method: 'PUT', path: `/${b}/k?partNumber=1&uploadId=${bogus}`, body: 'x' },
      { method: 'GET', path: `/${b}/k?uploadId=${bogus}` },
      { method: 'DELETE', path: `/${b}/k?uploadId=${bogus}` },
      { method: 'POST', path: `/${b}/k?uploadId=${bogus}`, body: completeBody([[1, `"${md5(part3)}"`]]) },
    ]) {
      const res = await rawS3(gw.url, { ...req, keys });
      expect(res.status, req.method).toBe(404);
      expect(xmlValue(res.text(), 'Code'), req.method).toBe('NoSuchUpload');
    }
  });

  it('refuses part numbers outside 1..10000 with InvalidArgument', async () => {
    const id = await create('pn');
    for (const n of ['0', '10001', 'x']) {
      const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}/pn?partNumber=${n}&uploadId=${id}`, keys, body: 'x' });
      expect(res.status, n).toBe(400);
      expect(xmlValue(res.text(), 'Code')).toBe('InvalidArgument');
    }
  });

  it('refuses a single PUT above the cluster\'s max_file_size with EntityTooLarge, before reading the body', async () => {
    const info = (await (await fetch(`${gw.stack.swift.url}/info`)).json()) as { swift: { max_file_size: number } };
    expect(info.swift.max_file_size).toBeLessThan(5 * 1024 ** 3); // the stack runs Swift with a lower limit than S3's
    // The body is never sent: without `Connection: close`, node's keep-alive agent would reuse the
    // socket while the server still expects those bytes, and the next test's request would hang.
    const res = await rawS3(gw.url, {
      method: 'PUT', path: `/${b}/huge`, keys, headers: { 'content-length': String(info.swift.max_file_size + 1), connection: 'close' },
    });
    expect(res.status).toBe(400);
    expect(xmlValue(res.text(), 'Code')).toBe('EntityTooLarge');
  });
});

describe('abort and listing uploads', () => {
  it('aborts: parts and marker are deleted and the upload is no longer listed', async () => {
    const id = await create('dir/abort-me');
    await upload('dir/abort-me', id, 1, part3);
    await upload('dir/abort-me', id, 2, part3);
    const listed = await rawS3(gw.url, { method: 'GET', path: `/${b}?uploads&prefix=dir/`, keys });
    expect(xmlValues(listed.text(), 'UploadId')).toContain(id);
    expect(xmlValues(listed.text(), 'Key')).toContain('dir/abort-me');
    const abort = await rawS3(gw.url, { method: 'DELETE', path: `/${b}/dir/abort-me?uploadId=${id}`, keys });
    expect(abort.status).toBe(204);
    expect((await segmentNames()).filter((n) => n.includes(id))).toEqual([]);
    const after = await rawS3(gw.url, { method: 'GET', path: `/${b}?uploads&prefix=dir/`, keys });
    expect(xmlValues(after.text(), 'UploadId')).not.toContain(id);
  });

  it('lists uploads with prefix, delimiter and key-marker paging', async () => {
    const ids = [await create('l/a'), await create('l/b'), await create('l/sub/c'), await create('l/d')];
    const grouped = await rawS3(gw.url, { method: 'GET', path: `/${b}?uploads&prefix=l/&delimiter=/`, keys });
    expect(xmlValues(grouped.text(), 'Key')).toEqual(['l/a', 'l/b', 'l/d']);
    expect(xmlValues(grouped.text(), 'Prefix')).toContain('l/sub/');
    const first = await rawS3(gw.url, { method: 'GET', path: `/${b}?uploads&prefix=l/&max-uploads=2`, keys });
    expect(xmlValue(first.text(), 'IsTruncated')).toBe('true');
    expect(xmlValues(first.text(), 'Key')).toEqual(['l/a', 'l/b']);
    const next = xmlValue(first.text(), 'NextKeyMarker')!;
    const nextId = xmlValue(first.text(), 'NextUploadIdMarker')!;
    const second = await rawS3(gw.url, { method: 'GET', path: `/${b}?uploads&prefix=l/&key-marker=${encodeURIComponent(next)}&upload-id-marker=${nextId}`, keys });
    expect(xmlValues(second.text(), 'Key')).toEqual(['l/d', 'l/sub/c']);
    for (const [key, id] of [['l/a', ids[0]], ['l/b', ids[1]], ['l/sub/c', ids[2]], ['l/d', ids[3]]] as const) {
      await rawS3(gw.url, { method: 'DELETE', path: `/${b}/${key}?uploadId=${id}`, keys });
    }
  });
});

describe('UploadPartCopy', () => {
  it('copies a byte range of another object into a part', async () => {
    const source = Buffer.concat([part1, part3]);
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/copy-src`, keys, body: source });
    const id = await create('from-copy');
    const copied = await rawS3(gw.url, {
      method: 'PUT', path: `/${b}/from-copy?partNumber=1&uploadId=${id}`, keys,
      headers: { 'x-amz-copy-source': `/${b}/copy-src`, 'x-amz-copy-source-range': `bytes=0-${part1.length - 1}` },
    });
    expect(copied.status, copied.text()).toBe(200);
    const e1 = xmlValue(copied.text(), 'ETag')!;
    expect(e1).toBe(`"${md5(part1)}"`);
    const e2 = await upload('from-copy', id, 2, part3);
    expect((await complete('from-copy', id, [[1, e1], [2, e2]])).status).toBe(200);
    const get = await rawS3(gw.url, { method: 'GET', path: `/${b}/from-copy`, keys });
    expect(get.body.equals(source)).toBe(true);
    const badRange = await rawS3(gw.url, {
      method: 'PUT', path: `/${b}/from-copy?partNumber=1&uploadId=${await create('from-copy')}`, keys,
      headers: { 'x-amz-copy-source': `/${b}/copy-src`, 'x-amz-copy-source-range': `bytes=0-${source.length}` },
    });
    expect(xmlValue(badRange.text(), 'Code')).toBe('InvalidArgument');
    const noSource = await rawS3(gw.url, {
      method: 'PUT', path: `/${b}/from-copy?partNumber=1&uploadId=${await create('from-copy')}`, keys,
      headers: { 'x-amz-copy-source': `/${uniqueBucket('nosrc')}/k` },
    });
    expect(noSource.status).toBe(404);
    expect(xmlValue(noSource.text(), 'Code')).toBe('NoSuchBucket');
  });
});

describe('a long CompleteMultipartUpload', () => {
  it('answers 200 at once and ends the body with the result, or with an error document', async () => {
    const slow = await startGateway({ limits: { slowAnswerAfterMs: 0 } });
    try {
      const id = await create('slow', {}, slow.url);
      const e1 = await upload('slow', id, 1, part3, slow.url);
      const ok = await complete('slow', id, [[1, e1]], slow.url);
      expect(ok.status).toBe(200);
      expect(ok.text()).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n\s*<CompleteMultipartUploadResult/);
      expect(xmlValue(ok.text(), 'ETag')).toBe(s3Etag(part3));
      const id2 = await create('slow2', {}, slow.url);
      const failed = await complete('slow2', id2, [[1, `"${md5(part1)}"`]], slow.url);
      expect(failed.status).toBe(200);
      expect(xmlValue(failed.text(), 'Code')).toBe('InvalidPart');
      expect(xmlValue(failed.text(), 'RequestId')).toMatch(/^tx/);
    } finally {
      await slow.stop();
    }
  });
});

describe('no state in memory', () => {
  it('serves one upload whose steps go through two gateway processes', async () => {
    const other = await startGatewayProcess();
    try {
      const id = await create('two-procs', { 'content-type': 'text/x-two' }, other.url);
      const e1 = await upload('two-procs', id, 1, part1, gw.url);
      const e2 = await upload('two-procs', id, 2, part3, other.url);
      const listed = await rawS3(gw.url, { method: 'GET', path: `/${b}/two-procs?uploadId=${id}`, keys });
      expect(xmlValues(listed.text(), 'PartNumber')).toEqual(['1', '2']);
      expect((await complete('two-procs', id, [[1, e1], [2, e2]], gw.url)).status).toBe(200);
      const get = await rawS3(other.url, { method: 'GET', path: `/${b}/two-procs`, keys });
      expect(get.body.equals(Buffer.concat([part1, part3]))).toBe(true);
      expect(get.headers['etag']).toBe(s3Etag(part1, part3));
      expect(get.headers['content-type']).toBe('text/x-two');
    } finally {
      expect((await other.stop()).code).toBe(0);
    }
  });
});
