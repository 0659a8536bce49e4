// Logs of a real gateway process at level debug: one JSON line per request with
// its fields, and not one line, whatever happened, carrying a secret key, a
// Keystone password, a token, a request signature or a presigned query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket } from '../helpers/gateway.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/process.js';
import { rawS3, signV2, stringToSignV2, type RawResponse } from '../helpers/raw-s3.js';
import { keystoneToken, loadStack } from '../helpers/stack.js';
import { purgeContainer } from '../helpers/swift-direct.js';
import { tcpProxy } from '../helpers/tcp-proxy.js';

const stack = loadStack();
const demo = stack.users.demo;
const b = uniqueBucket('logs');
/** Every signature the test sent, as sent. */
const signatures: string[] = [];
let gw: GatewayProcess;
let lines: Record<string, unknown>[];
const answers: Record<string, RawResponse> = {};

/** A SigV2-signed request whose signature is remembered. */
async function signed(method: string, path: string, opts: { body?: Buffer | string; secret?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { date: new Date().toUTCString(), ...opts.headers };
  const signature = signV2(opts.secret ?? demo.ec2.secret, stringToSignV2(method, path, headers));
  signatures.push(signature);
  return rawS3(gw.url, { method, path, body: opts.body, headers: { ...headers, authorization: `AWS ${demo.ec2.access}:${signature}` } });
}

beforeAll(async () => {
  gw = await startGatewayProcess({ logLevel: 'debug' });
  answers.createBucket = await signed('PUT', `/${b}`);
  answers.put = await signed('PUT', `/${b}/small.txt`, { body: 'hello logs', headers: { 'content-type': 'text/plain' } });
  answers.get = await signed('GET', `/${b}/small.txt`);
  answers.list = await signed('GET', `/${b}`);
  answers.upload = await signed('PUT', `/${b}/upload.bin`, { body: Buffer.alloc(1024 * 1024, 3) });
  answers.multipart = await signed('POST', `/${b}/mp.bin?uploads`);
  answers.wrongSignature = await signed('GET', `/${b}/small.txt`, { secret: 'wrong-secret' });
  // A presigned URL (query-string authentication).
  const expires = Math.floor(Date.now() / 1000) + 300;
  const presignature = signV2(demo.ec2.secret, `GET\n\n\n${expires}\n/${b}/small.txt`);
  signatures.push(presignature);
  answers.presigned = await rawS3(gw.url, {
    method: 'GET',
    path: `/${b}/small.txt?AWSAccessKeyId=${demo.ec2.access}&Expires=${expires}&Signature=${encodeURIComponent(presignature)}`,
  });
  answers.deleteUpload = await signed('DELETE', `/${b}/upload.bin`);
  answers.delete = await signed('DELETE', `/${b}/small.txt`);
  answers.deleteBucket = await signed('DELETE', `/${b}`);
  const exit = await gw.stop();
  expect(exit.code).toBe(0);
  lines = gw.stdout().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}, 120_000);

afterAll(async () => {
  await purgeContainer(stack, 'demo', b).catch(() => undefined);
});

const requestLine = (operation: string, status?: number) =>
  lines.find((l) => l.msg === 'request' && l.operation === operation && (status === undefined || l.status === status));

describe('the access log', () => {
  it('ran the scenario', () => {
    expect(answers.createBucket!.status).toBe(201);
    expect(answers.put!.status).toBe(201);
    expect(answers.get!.status).toBe(200);
    expect(answers.list!.status).toBe(200);
    expect(answers.upload!.status).toBe(201);
    expect(answers.wrongSignature!.status).toBe(401);
    expect(answers.presigned!.status).toBe(200);
    expect(answers.delete!.status).toBe(204);
    expect(answers.deleteBucket!.status).toBe(204);
  });

  it('writes one JSON line per request with time, trans id, operation, bucket, status, bytes, duration, access key and client', () => {
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.length).toBe(Object.keys(answers).length);
    for (const l of requests) {
      expect(typeof l.time).toBe('string');
      expect(Number.isNaN(Date.parse(l.time as string))).toBe(false);
      expect(l.transId).toMatch(/^tx/);
      expect(typeof l.operation).toBe('string');
      expect(l.bucket).toBe(b);
      expect(typeof l.status).toBe('number');
      expect(typeof l.bytesIn).toBe('number');
      expect(typeof l.bytesOut).toBe('number');
      expect(typeof l.durationMs).toBe('number');
      expect(l.client).toBe('127.0.0.1');
    }
    expect(requestLine('PutObject', 201)).toMatchObject({ accessKeyId: demo.ec2.access, bytesIn: 10, transId: answers.put!.headers['x-trans-id'] });
    expect(requestLine('GetObject', 200)).toMatchObject({ bytesOut: 10, level: 'info' });
    expect(lines.find((l) => l.msg === 'request' && l.bytesIn === 1024 * 1024)).toMatchObject({ operation: 'PutObject', status: 201 });
    expect(requestLine('ListObjects', 200)!.bytesOut).toBe(answers.list!.body.length);
  });

  it('names the S3 error of a failed request', () => {
    expect(requestLine('unknown', 401)).toMatchObject({ error: 'SignatureDoesNotMatch', bucket: b });
    expect(lines.find((l) => l.msg === 'request' && l.status === answers.multipart!.status && String(l.operation).includes('Multipart'))).toBeDefined();
  });
});

describe('secrets', () => {
  it('never reach a log line: secret keys, passwords, tokens, signatures, presigned queries', async () => {
    const out = gw.stdout() + gw.stderr();
    const { token } = await keystoneToken(stack, 'demo');
    const forbidden = [
      demo.ec2.secret, stack.users.alt.ec2.secret,
      demo.password, stack.users.alt.password, stack.users.s3gateway.password, stack.users.admin.password,
      token,
      ...signatures, ...signatures.map((s) => encodeURIComponent(s)),
      'Signature=', 'AWSAccessKeyId=', 'Expires=',
    ];
    for (const secret of forbidden) expect(out, 'a secret in the logs').not.toContain(secret);
    for (const word of [/x-auth-token/i, /x-subject-token/i, /gAAAA/, /authorization/i]) expect(out).not.toMatch(word);
  });
});

describe('errors', () => {
  it('are logged once with their cause', async () => {
    const k = new URL(stack.keystone.url);
    const relay = await tcpProxy(k.hostname, Number(k.port));
    const inproc = await startGateway({ authUrl: `http://127.0.0.1:${relay.port}/v3`, env: { S3GW_HEALTH_INTERVAL_MS: '0' } });
    try {
      await relay.stop();
      const res = await rawS3(inproc.url, { method: 'GET', path: '/', keys: demo.ec2 });
      expect(res.status).toBe(503);
      const logged = inproc.logs.filter((l) => l.msg === 'upstream unavailable');
      expect(logged.length).toBe(1);
      expect(logged[0]).toMatchObject({ level: 'warn', service: 'keystone' });
      expect(String(logged[0]!.error)).toContain('Keystone is unreachable');
      expect(String(logged[0]!.cause)).toMatch(/ECONNREFUSED|connect/);
      expect(inproc.logs.find((l) => l.msg === 'request')).toMatchObject({ status: 503, error: 'ServiceUnavailable' });
    } finally {
      await inproc.stop();
      await relay.close();
    }
  });
});
