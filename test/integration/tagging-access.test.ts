// Who may read and change tags, in the global namespace: the bucket owner;
// another project only with the bucket policy's Allow of the tagging actions
// (ACL grants do not reach tags, as in S3); bucket tags likewise.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { loadStack, type Stack } from '../helpers/stack.js';
import { purgeBucket, purgeContainer } from '../helpers/swift-direct.js';

let stack: Stack;
let gw: TestGateway;
let owner: Keys;
let alt: Keys;
let third: Keys;
const buckets: string[] = [];

beforeAll(async () => {
  stack = loadStack();
  owner = stack.users.demo.ec2!;
  alt = stack.users.alt.ec2!;
  third = stack.users.third.ec2!;
  gw = await startGateway({ keystoneEc2: true, dialect: 'aws' });
});

afterAll(async () => {
  for (const b of buckets) {
    await purgeBucket(stack, 'demo', b).catch(() => {});
    await purgeContainer(stack, 'demo', `${b}+tags`).catch(() => {});
    await rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: owner });
  }
  await gw?.stop();
});

const tagging = (pairs: [string, string][]) => `<Tagging><TagSet>${pairs.map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('')}</TagSet></Tagging>`;
const md5 = (body: string) => ({ 'content-md5': createHash('md5').update(body).digest('base64') });

async function newBucket(label: string): Promise<string> {
  const b = uniqueBucket(label);
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: owner })).status).toBe(200);
  buckets.push(b);
  return b;
}

describe('tag access across projects', () => {
  it('another project is AccessDenied without a policy, even with a public-read-write ACL', async () => {
    const b = await newBucket('tagacl');
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?acl`, keys: owner, headers: { 'x-amz-acl': 'public-read-write' } })).status).toBe(200);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/k`, keys: owner, body: 'x', headers: { 'x-amz-tagging': 'a=1' } })).status).toBe(200);
    const read = await rawS3(gw.url, { method: 'GET', path: `/${b}/k?tagging`, keys: alt });
    expect(read.status).toBe(403);
    expect(xmlValue(read.text(), 'Code')).toBe('AccessDenied');
    const write = await rawS3(gw.url, { method: 'PUT', path: `/${b}/k?tagging`, keys: alt, body: tagging([['b', '2']]) });
    expect(write.status).toBe(403);
    const bucketTags = await rawS3(gw.url, { method: 'GET', path: `/${b}?tagging`, keys: alt });
    expect(bucketTags.status).toBe(403);
    // The owner still sees the tags it set.
    expect(xmlValues((await rawS3(gw.url, { method: 'GET', path: `/${b}/k?tagging`, keys: owner })).text(), 'Key')).toEqual(['a']);
  });

  it('a bucket policy that allows s3:GetObjectTagging and s3:PutObjectTagging to a project lets it, and no one else', async () => {
    const b = await newBucket('tagpolicy');
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/k`, keys: owner, body: 'x', headers: { 'x-amz-tagging': 'a=1' } })).status).toBe(200);
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Tags', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${stack.users.alt.projectId}:root` }, Action: ['s3:GetObjectTagging', 's3:PutObjectTagging'], Resource: `arn:aws:s3:::${b}/*` }],
    });
    const set = await rawS3(gw.url, { method: 'PUT', path: `/${b}?policy`, keys: owner, body: policy });
    expect(set.status, set.text()).toBe(204);
    const read = await rawS3(gw.url, { method: 'GET', path: `/${b}/k?tagging`, keys: alt });
    expect(read.status, read.text()).toBe(200);
    expect(xmlValues(read.text(), 'Key')).toEqual(['a']);
    const body = tagging([['by', 'alt']]);
    const write = await rawS3(gw.url, { method: 'PUT', path: `/${b}/k?tagging`, keys: alt, body, headers: md5(body) });
    expect(write.status, write.text()).toBe(200);
    expect(xmlValues((await rawS3(gw.url, { method: 'GET', path: `/${b}/k?tagging`, keys: owner })).text(), 'Value')).toEqual(['alt']);
    // DeleteObjectTagging is its own action, not allowed here; third is not named at all.
    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${b}/k?tagging`, keys: alt })).status).toBe(403);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/k?tagging`, keys: third })).status).toBe(403);
  });

  it('bucket tags: the owner only, unless the policy allows s3:GetBucketTagging', async () => {
    const b = await newBucket('tagbucket');
    const body = tagging([['team', 'storage']]);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?tagging`, keys: owner, body, headers: md5(body) })).status).toBe(204);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}?tagging`, keys: alt })).status).toBe(403);
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: stack.users.alt.projectId }, Action: 's3:GetBucketTagging', Resource: `arn:aws:s3:::${b}` }],
    });
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?policy`, keys: owner, body: policy })).status).toBe(204);
    const read = await rawS3(gw.url, { method: 'GET', path: `/${b}?tagging`, keys: alt });
    expect(read.status, read.text()).toBe(200);
    expect(xmlValues(read.text(), 'Value')).toEqual(['storage']);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?tagging`, keys: alt, body, headers: md5(body) })).status).toBe(403);
  });
});
