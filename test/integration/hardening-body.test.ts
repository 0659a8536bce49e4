// Clients that hold the gateway: bodies that stall, uploads the client itself
// abandons, and one address opening too many connections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { openSocket, signedHead } from '../helpers/raw-socket.js';
import { loadStack } from '../helpers/stack.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

const stack = loadStack();
const keys: Keys = stack.users.demo.ec2;
const b = uniqueBucket('hard-body');
let gw: TestGateway;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(50);
  }
  throw new Error(`never happened: ${what}`);
}

async function storedIn(container: string, prefix: string): Promise<string[]> {
  const listed = await swiftDirect(stack, 'demo', 'GET', container, undefined, { query: { format: 'json', prefix } });
  return listed.status === 404 ? [] : (JSON.parse(listed.body.toString()) as { name: string }[]).map((r) => r.name);
}

beforeAll(async () => {
  // A 1 s idle timeout keeps these tests short; the default is S3's 20 s.
  gw = await startGateway({ env: { S3GW_S3_BODY_IDLE_TIMEOUT_SECONDS: '1' } });
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys })).status).toBe(201);
});

afterAll(async () => {
  await gw.stop();
  await purgeContainer(stack, 'demo', b);
  await purgeContainer(stack, 'demo', `${b}+segments`);
});

describe('a request body that stalls (s3.bodyIdleTimeoutSeconds)', () => {
  it('is answered 400 RequestTimeout, stores nothing in Swift, and the connection closes', async () => {
    const key = 'stalled';
    const before = (await gw.metrics.clientAborts.get()).values.find((v) => v.labels.event === 'body-idle-timeout')?.value ?? 0;
    const conn = await openSocket(gw.port);
    conn.write(signedHead('PUT', `/${b}/${key}`, keys, ['Content-Length: 100000']));
    conn.write(Buffer.alloc(30_000, 1)); // then nothing more
    const answer = await conn.waitFor(/<\/Error>/);
    await conn.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(xmlValue(answer, 'Code')).toBe('RequestTimeout');
    expect(xmlValue(answer, 'Message')).toMatch(/^Your socket connection to the server was not read from or written to within the timeout period/);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect((await swiftDirect(stack, 'demo', 'HEAD', b, key)).status).toBe(404);
    expect(await storedIn(b, key)).toEqual([]);
    const after = (await gw.metrics.clientAborts.get()).values.find((v) => v.labels.event === 'body-idle-timeout' && v.labels.operation === 'PutObject')?.value;
    expect(after).toBe(before + 1);
    expect(gw.logs.some((l) => l.msg === 'upstream unavailable')).toBe(false);
  });

  it('times out a stalled UploadPart the same way, leaving no part in the segments container', async () => {
    const key = 'stalled-part';
    const created = await rawS3(gw.url, { method: 'POST', path: `/${b}/${key}?uploads`, keys });
    const uploadId = xmlValue(created.text(), 'UploadId')!;
    const conn = await openSocket(gw.port);
    conn.write(signedHead('PUT', `/${b}/${key}?partNumber=1&uploadId=${uploadId}`, keys, ['Content-Length: 6000000']));
    conn.write(Buffer.alloc(64 * 1024, 2));
    const answer = await conn.waitFor(/<\/Error>/);
    await conn.closed;
    expect(xmlValue(answer, 'Code')).toBe('RequestTimeout');
    expect(await storedIn(`${b}+segments`, `${key}/${uploadId}/`)).toEqual([]);
  });

  it('lets a slow but steady upload through: the limit is on silence, not on the whole upload', async () => {
    const key = 'steady';
    const conn = await openSocket(gw.port);
    conn.write(signedHead('PUT', `/${b}/${key}`, keys, ['Content-Length: 8']));
    // Longer in total than the 1 s idle timeout, never silent for long.
    for (let i = 0; i < 8; i++) {
      conn.write('x');
      await sleep(200);
    }
    const answer = await conn.waitFor(/\r\n\r\n/);
    conn.socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 201/);
    expect((await swiftDirect(stack, 'demo', 'GET', b, key)).body.toString()).toBe('xxxxxxxx');
  });
});

describe('a client that abandons its own upload', () => {
  it('is logged as a client abort, never as "upstream unavailable", is counted apart, and leaves nothing in Swift', async () => {
    const key = 'abandoned';
    const conn = await openSocket(gw.port);
    conn.write(signedHead('PUT', `/${b}/${key}`, keys, ['Content-Length: 8000000']));
    conn.write(Buffer.alloc(1024 * 1024, 3));
    // Go away in the middle (whether or not the Swift upload has begun, the outcome must be the same).
    await sleep(300);
    conn.socket.destroy();
    const line = await eventually(() => gw.logs.find((l) => l.msg === 'request' && l.operation === 'PutObject' && l.status === 499), 'the access log line of the aborted PutObject');
    expect(line.error).toBeUndefined();
    expect(gw.logs.filter((l) => l.msg === 'upstream unavailable')).toEqual([]);
    expect(gw.logs.find((l) => l.msg === 'client closed the connection mid-request' && l.transId === line.transId)).toMatchObject({ level: 'info', operation: 'PutObject' });
    const aborts = (await gw.metrics.clientAborts.get()).values.find((v) => v.labels.event === 'disconnected' && v.labels.operation === 'PutObject');
    expect(aborts?.value).toBeGreaterThanOrEqual(1);
    const swiftErrors = (await gw.metrics.swiftRequests.get()).values.filter((v) => v.labels.status === 'error');
    expect(swiftErrors).toEqual([]);
    expect((await swiftDirect(stack, 'demo', 'HEAD', b, key)).status).toBe(404);
    expect(await storedIn(b, key)).toEqual([]);
  });
});

describe('listen.maxConnectionsPerClient', () => {
  let limited: TestGateway;

  beforeAll(async () => {
    limited = await startGateway({ env: { S3GW_LISTEN_MAX_CONNECTIONS_PER_CLIENT: '2' } });
  });

  afterAll(async () => {
    await limited.stop();
  });

  it('answers a connection over the limit 503 SlowDown and closes it, and serves again once one closes', async () => {
    // Two connections, each proven accepted by an answer, then kept open.
    const held = [await openSocket(limited.port), await openSocket(limited.port)];
    for (const conn of held) {
      conn.write(signedHead('HEAD', `/${b}`, keys));
      expect(await conn.waitFor(/\r\n\r\n/)).toMatch(/^HTTP\/1\.1 200/);
    }
    const third = await openSocket(limited.port);
    third.write(signedHead('GET', `/${b}`, keys));
    const answer = await third.waitFor(/<\/(Error|ListBucketResult)>/);
    await third.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 503/);
    expect(xmlValue(answer, 'Code')).toBe('SlowDown');
    expect(answer.toLowerCase()).toContain('connection: close');
    expect((await limited.metrics.connectionsOverLimit.get()).values[0]?.value).toBe(1);

    held[0]!.socket.destroy();
    await held[0]!.closed;
    const again = await eventually(async () => {
      const res = await rawS3(limited.url, { method: 'HEAD', path: `/${b}`, keys });
      return res.status === 200 ? res : undefined;
    }, 'a new connection accepted once one of the two closed');
    expect(again.status).toBe(200);
    held[1]!.socket.destroy();
  });
});
