// What happens when things go wrong: a client vanishing mid-upload, Swift or
// Keystone unreachable and back, and many first requests at once.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, signV2, stringToSignV2, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { loadStack } from '../helpers/stack.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';
import { tcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const stack = loadStack();
let b: string;
let keys: Keys;

beforeAll(async () => {
  keys = stack.users.demo.ec2;
  b = uniqueBucket('resil');
  const gw = await startGateway();
  await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys });
  await rawS3(gw.url, { method: 'PUT', path: `/${b}/present`, keys, body: 'here' });
  await gw.stop();
});

afterAll(async () => {
  await purgeContainer(stack, 'demo', b);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a client that disconnects in the middle of a PUT', () => {
  it('leaves no object behind, and the gateway keeps serving', async () => {
    const gw = await startGateway();
    try {
      const key = 'half-uploaded';
      const total = 8 * 1024 * 1024;
      const date = new Date().toUTCString();
      const sig = signV2(keys.secret, stringToSignV2('PUT', `/${b}/${key}`, { date }));
      const socket = connect(gw.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(
        `PUT /${b}/${key} HTTP/1.1\r\nHost: 127.0.0.1:${gw.port}\r\nDate: ${date}\r\n` +
          `Authorization: AWS ${keys.access}:${sig}\r\nContent-Length: ${total}\r\n\r\n`,
      );
      socket.write(Buffer.alloc(1024 * 1024, 7)); // an eighth of the body, then gone
      await sleep(300);
      socket.destroy();
      await sleep(1500);
      expect((await swiftDirect(stack, 'demo', 'HEAD', b, key)).status).toBe(404);
      const listed = await swiftDirect(stack, 'demo', 'GET', b, undefined, { query: { format: 'json', prefix: key } });
      expect(JSON.parse(listed.body.toString())).toEqual([]);
      expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/present`, keys })).text()).toBe('here');
    } finally {
      await gw.stop();
    }
  });
});

describe('Swift unreachable', () => {
  let proxy: TcpProxy;
  let gw: TestGateway;

  beforeAll(async () => {
    const swift = new URL(stack.swift.url);
    proxy = await tcpProxy(swift.hostname, Number(swift.port));
    gw = await startGateway({ storageUrl: `http://127.0.0.1:${proxy.port}/v1/AUTH_{project_id}` });
  });

  afterAll(async () => {
    await gw.stop();
    await proxy.close();
  });

  it('answers 503 ServiceUnavailable XML while Swift is down and serves again once it is back', async () => {
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/present`, keys })).status).toBe(200);
    await proxy.stop();
    const down = await rawS3(gw.url, { method: 'GET', path: `/${b}/present`, keys });
    expect(down.status).toBe(503);
    expect(xmlValue(down.text(), 'Code')).toBe('ServiceUnavailable');
    expect(xmlValue(down.text(), 'RequestId')).toBe(down.headers['x-trans-id']);
    await proxy.start();
    const back = await rawS3(gw.url, { method: 'GET', path: `/${b}/present`, keys });
    expect(back.status).toBe(200);
    expect(back.text()).toBe('here');
  });
});

describe('Keystone unreachable', () => {
  let proxy: TcpProxy;
  let gw: TestGateway;

  beforeAll(async () => {
    const keystone = new URL(stack.keystone.url);
    proxy = await tcpProxy(keystone.hostname, Number(keystone.port));
    gw = await startGateway({ authUrl: `http://127.0.0.1:${proxy.port}/v3` });
  });

  afterAll(async () => {
    await gw.stop();
    await proxy.close();
  });

  it('keeps serving identities whose token is cached, answers 503 for others, and recovers by itself', async () => {
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/present`, keys })).status).toBe(200);
    await proxy.stop();
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/present`, keys })).status).toBe(200);
    const fresh = await rawS3(gw.url, { method: 'GET', path: '/', keys: stack.users.alt.ec2 });
    expect(fresh.status).toBe(503);
    expect(xmlValue(fresh.text(), 'Code')).toBe('ServiceUnavailable');
    await proxy.start();
    expect((await rawS3(gw.url, { method: 'GET', path: '/', keys: stack.users.alt.ec2 })).status).toBe(200);
  });
});

describe('cold start', () => {
  it('makes exactly one Keystone token call for a burst of 100 concurrent first requests of one identity', async () => {
    const keystone = new URL(stack.keystone.url);
    const proxy = await tcpProxy(keystone.hostname, Number(keystone.port));
    // Background readiness checks off: they would open connections of their own through the relay.
    const gw = await startGateway({ authUrl: `http://127.0.0.1:${proxy.port}/v3`, env: { S3GW_HEALTH_INTERVAL_MS: '0' } });
    try {
      const results = await Promise.all(
        Array.from({ length: 100 }, () => rawS3(gw.url, { method: 'GET', path: `/${b}/present`, keys })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(100).fill(200));
      const calls = (await gw.metrics.keystoneCalls.get()).values;
      expect(calls.filter((v) => v.labels.outcome === 'ok').map((v) => v.value)).toEqual([1]);
      expect(calls.reduce((n, v) => n + v.value, 0)).toBe(1);
      // Counted on Keystone's side of the wire too: one connection carried the one call.
      expect(proxy.connections).toBe(1);
    } finally {
      await gw.stop();
      await proxy.close();
    }
  });
});

describe('an upload refused before its body is read', () => {
  it('closes the connection after the error, so a keep-alive client does not send its next request into the unread body', async () => {
    const gw = await startGateway();
    try {
      const date = new Date().toUTCString();
      const sig = signV2(keys.secret, stringToSignV2('PUT', `/${b}/too-big`, { date }));
      const socket = connect(gw.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString()));
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.write(
        `PUT /${b}/too-big HTTP/1.1\r\nHost: 127.0.0.1\r\nDate: ${date}\r\n` +
          `Authorization: AWS ${keys.access}:${sig}\r\nContent-Length: ${10 * 1024 ** 3}\r\n\r\n`,
      );
      await closed;
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      expect(answer.toLowerCase()).toContain('connection: close');
      expect(answer).toContain('<Code>EntityTooLarge</Code>');
    } finally {
      await gw.stop();
    }
  });
});
