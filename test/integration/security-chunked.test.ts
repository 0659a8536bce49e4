// Security finding F10: a bad signature or an over-long line at the very start
// of an aws-chunked upload must reach the client as S3's error (XML, right
// code), from the pipeline, never as an uncaught exception and a bare 400.
// The test runs the gateway as a real process: an uncaught exception there
// would show in its stderr/log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/process.js';
import { rawS3, xmlValue } from '../helpers/raw-s3.js';
import { send, signedChunkedUpload } from '../helpers/sigv4-client.js';
import { loadStack } from '../helpers/stack.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';
import { uniqueBucket } from '../helpers/gateway.js';

const stack = loadStack();
const keys = stack.users.demo.ec2;
const bucket = uniqueBucket('chunked');
let gw: GatewayProcess;

beforeAll(async () => {
  gw = await startGatewayProcess();
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}`, keys })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await purgeContainer(stack, 'demo', bucket);
  await gw?.stop();
});

const data = Buffer.alloc(3000, 'x');

describe('F10: errors at the start of an aws-chunked body', () => {
  it('answers SignatureDoesNotMatch in S3 XML for a bad FIRST chunk signature, storing nothing', async () => {
    const { headers, body } = await signedChunkedUpload(gw.url, keys, `/${bucket}/first-bad`, data, 1024);
    const sig = body.indexOf('chunk-signature=') + 'chunk-signature='.length;
    body[sig] = body[sig] === 0x30 ? 0x31 : 0x30;
    const res = await send(gw.url, 'PUT', `/${bucket}/first-bad`, headers, body);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe('application/xml');
    expect(xmlValue(res.text(), 'Code')).toBe('SignatureDoesNotMatch');
    expect((await swiftDirect(stack, 'demo', 'HEAD', bucket, 'first-bad')).status).toBe(404);
  });

  it('answers InvalidRequest in S3 XML for an over-long first chunk header line', async () => {
    // A body of 9000 bytes with no line break: the first chunk header never ends.
    const { headers } = await signedChunkedUpload(gw.url, keys, `/${bucket}/long-line`, Buffer.alloc(9000, 'x'), 1024);
    const body = Buffer.alloc(Number(headers['content-length']), 'a');
    const res = await send(gw.url, 'PUT', `/${bucket}/long-line`, headers, body);
    expect(res.status).toBe(400);
    expect(xmlValue(res.text(), 'Code')).toBe('InvalidRequest');
    expect((await swiftDirect(stack, 'demo', 'HEAD', bucket, 'long-line')).status).toBe(404);
  });

  it('logged no uncaught exception and keeps serving', async () => {
    expect((await rawS3(gw.url, { method: 'GET', path: `/${bucket}`, keys })).status).toBe(200);
    const text = gw.stdout() + gw.stderr();
    expect(text).not.toContain('uncaught exception');
    expect(text).not.toContain('unhandled rejection');
  });
});
