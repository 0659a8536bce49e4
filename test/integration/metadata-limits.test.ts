// Swift's per-object metadata limits (read from the real cluster's /info),
// reported in S3 terms naming the limit and the header, before anything is
// written; and Swift's own refusal text mapped to the same errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swiftMetadataError } from '../../src/operations/common/metadata-limits.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
let valueLimit: number;
const b = uniqueBucket('meta-limits');

beforeAll(async () => {
  gw = await startGateway();
  keys = gw.stack.users.demo.ec2;
  const info = (await fetch(`${gw.stack.swift.url}/info`).then((r) => r.json())) as { swift: { max_meta_value_length: number } };
  valueLimit = info.swift.max_meta_value_length;
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys })).status).toBe(201);
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/source`, keys, body: 'src' })).status).toBe(201);
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', b);
  await purgeContainer(gw.stack, 'demo', `${b}+segments`);
  await gw.stop();
});

const tooLong = () => 'v'.repeat(valueLimit + 44);

function expectValueError(xml: string, header: string): void {
  expect(xmlValue(xml, 'Code')).toBe('InvalidArgument');
  expect(xmlValue(xml, 'ArgumentName')).toBe(header);
  expect(xmlValue(xml, 'Message')).toBe(`The metadata value of ${header} is ${valueLimit + 44} bytes; this Swift cluster allows ${valueLimit}.`);
}

describe("Swift's metadata limits", () => {
  it('PutObject: a value over max_meta_value_length is InvalidArgument naming the header and the limit, and nothing is stored', async () => {
    const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}/long-value`, keys, body: 'x', headers: { 'x-amz-meta-foo': tooLong() } });
    expect(res.status).toBe(400);
    expectValueError(res.text(), 'x-amz-meta-foo');
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'long-value')).status).toBe(404);
  });

  it('PutObject: a name over max_meta_name_length as Swift stores it is InvalidArgument naming it', async () => {
    const name = `x-amz-meta-${'n_'.repeat(50)}`; // 100 characters, 200 bytes once escaped
    const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}/long-name`, keys, body: 'x', headers: { [name]: '1' } });
    expect(res.status).toBe(400);
    expect(xmlValue(res.text(), 'Code')).toBe('InvalidArgument');
    expect(xmlValue(res.text(), 'ArgumentName')).toBe(name);
    expect(xmlValue(res.text(), 'Message')).toMatch(/^The metadata name .* is 200 bytes as Swift stores it; this Swift cluster allows 128\.$/);
  });

  it('PutObject: more items than max_meta_count leaves for the client is InvalidArgument saying how many are allowed', async () => {
    const headers = Object.fromEntries(Array.from({ length: 90 }, (_, i) => [`x-amz-meta-m${i}`, '1']));
    const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}/many`, keys, body: 'x', headers });
    expect(res.status).toBe(400);
    expect(xmlValue(res.text(), 'Code')).toBe('InvalidArgument');
    expect(xmlValue(res.text(), 'Message')).toMatch(/metadata items; this Swift cluster allows 90 per object, 3 of them kept for the gateway's own use\.$/);
  });

  it('CopyObject with REPLACE checks the new metadata before copying', async () => {
    const res = await rawS3(gw.url, {
      method: 'PUT', path: `/${b}/copy`, keys,
      headers: { 'x-amz-copy-source': `/${b}/source`, 'x-amz-metadata-directive': 'REPLACE', 'x-amz-meta-big': tooLong() },
    });
    expect(res.status).toBe(400);
    expectValueError(res.text(), 'x-amz-meta-big');
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'copy')).status).toBe(404);
  });

  it('CreateMultipartUpload checks the metadata before creating the upload', async () => {
    const res = await rawS3(gw.url, { method: 'POST', path: `/${b}/mp?uploads`, keys, headers: { 'x-amz-meta-big': tooLong() } });
    expect(res.status).toBe(400);
    expectValueError(res.text(), 'x-amz-meta-big');
    const listed = await swiftDirect(gw.stack, 'demo', 'GET', `${b}+segments`, undefined, { query: { format: 'json', prefix: 'mp/' } });
    expect(listed.status === 404 ? [] : JSON.parse(listed.body.toString())).toEqual([]);
  });

  it('still stores metadata at the limits', async () => {
    const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}/at-limit`, keys, body: 'x', headers: { 'x-amz-meta-foo': 'v'.repeat(valueLimit) } });
    expect(res.status).toBe(201);
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'at-limit')).headers['x-object-meta-foo']).toBe('v'.repeat(valueLimit));
  });

  it("maps the text of Swift's own refusal to the same error (should Swift refuse after all)", async () => {
    const direct = await swiftDirect(gw.stack, 'demo', 'PUT', b, 'direct', { body: 'x', headers: { 'x-object-meta-foo%5Fbar': tooLong() } });
    expect(direct.status).toBe(400);
    const err = swiftMetadataError(direct.body.toString())!;
    expect(err.code).toBe('InvalidArgument');
    expect(err.details).toEqual({ ArgumentName: 'x-amz-meta-foo_bar' });
    expect(err.message).toBe(`The metadata value of x-amz-meta-foo_bar is more than ${valueLimit} bytes; this Swift cluster allows ${valueLimit}.`);
  });
});
