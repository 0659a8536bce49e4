// Static websites against the real stack: Put/Get/DeleteBucketWebsite (raw
// requests, boto3 and the aws CLI), the website endpoint `<bucket>.s3-website.test`
// (anonymous GET/HEAD: index documents, the error document with its status,
// redirects of every kind), Swift's staticweb metadata, and refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, run } from '../clients/run.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { loadStack, type Stack } from '../helpers/stack.js';
import { purgeBucket, swiftDirect } from '../helpers/swift-direct.js';

let stack: Stack;
let gw: TestGateway;
let owner: Keys;
const buckets: string[] = [];
const SITE = 's3-website.test';

beforeAll(async () => {
  stack = loadStack();
  owner = stack.users.demo.ec2!;
  gw = await startGateway({ keystoneEc2: true, dialect: 'aws', env: { S3GW_S3_WEBSITE_DOMAINS: SITE } });
});

afterAll(async () => {
  for (const b of buckets) await purgeBucket(stack, 'demo', b).then(() => rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: owner }));
  await gw?.stop();
});

async function newBucket(label: string, headers: Record<string, string> = {}): Promise<string> {
  const b = uniqueBucket(label);
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: owner, headers })).status).toBe(200);
  buckets.push(b);
  return b;
}

const put = (b: string, key: string, body: string, headers: Record<string, string> = {}) =>
  rawS3(gw.url, { method: 'PUT', path: `/${b}/${key}`, keys: owner, body, headers: { 'content-type': 'text/html', ...headers } });
const visit = (b: string, path: string, method = 'GET', headers: Record<string, string> = {}) =>
  rawS3(gw.url, { method, path, host: `${b}.${SITE}`, headers });
const setSite = (b: string, body: string) => rawS3(gw.url, { method: 'PUT', path: `/${b}?website`, keys: owner, body });

describe('a website on a public-read bucket', () => {
  let b: string;
  beforeAll(async () => {
    b = await newBucket('site', { 'x-amz-acl': 'public-read' });
    await put(b, 'index.html', '<h1>home</h1>');
    await put(b, 'docs/index.html', '<h1>docs</h1>');
    await put(b, 'errors/404.html', '<h1>lost</h1>');
    await put(b, 'old-page.html', '', { 'x-amz-website-redirect-location': '/docs/' });
    const config = '<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><ErrorDocument><Key>errors/404.html</Key></ErrorDocument>'
      + '<RoutingRules><RoutingRule><Condition><KeyPrefixEquals>blog/</KeyPrefixEquals></Condition><Redirect><HostName>blog.example.com</HostName><ReplaceKeyPrefixWith>posts/</ReplaceKeyPrefixWith></Redirect></RoutingRule>'
      + '<RoutingRule><Condition><KeyPrefixEquals>gone/</KeyPrefixEquals><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition><Redirect><Protocol>https</Protocol><HostName>archive.example.com</HostName><HttpRedirectCode>302</HttpRedirectCode></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>';
    const res = await setSite(b, config);
    expect(res.status, res.text()).toBe(200);
  });

  it('serves the index document for / and prefix/, and sends prefix to prefix/', async () => {
    const home = await visit(b, '/');
    expect(home.status).toBe(200);
    expect(home.text()).toBe('<h1>home</h1>');
    expect(home.headers['content-type']).toBe('text/html');
    expect((await visit(b, '/docs/')).text()).toBe('<h1>docs</h1>');
    const bare = await visit(b, '/docs');
    expect(bare.status).toBe(302);
    expect(bare.headers['location']).toBe('/docs/');
    const head = await visit(b, '/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('13');
    expect((await visit(b, '/index.html', 'GET', { range: 'bytes=4-7' })).text()).toBe('home');
  });

  it('answers a missing key with the error document and its 404, and follows routing rules and object redirects', async () => {
    const lost = await visit(b, '/nothing-here.html');
    expect(lost.status).toBe(404);
    expect(lost.text()).toBe('<h1>lost</h1>');
    const blog = await visit(b, '/blog/2026/hello.html');
    expect(blog.status).toBe(301);
    expect(blog.headers['location']).toBe('http://blog.example.com/posts/2026/hello.html');
    const gone = await visit(b, '/gone/page.html');
    expect(gone.status).toBe(302);
    expect(gone.headers['location']).toBe('https://archive.example.com/gone/page.html');
    const moved = await visit(b, '/old-page.html');
    expect(moved.status).toBe(301);
    expect(moved.headers['location']).toBe('/docs/');
    // The object's redirect reads back through the S3 API too.
    expect((await rawS3(gw.url, { method: 'HEAD', path: `/${b}/old-page.html`, keys: owner })).headers['x-amz-website-redirect-location']).toBe('/docs/');
  });

  it('refuses what a website endpoint does not do', async () => {
    const post = await visit(b, '/index.html', 'PUT');
    expect(post.status).toBe(405);
    expect(post.text()).toContain('MethodNotAllowed');
  });

  it('writes the index document as Swift staticweb metadata, and reads the configuration back', async () => {
    expect((await swiftDirect(stack, 'demo', 'HEAD', b)).headers['x-container-meta-web-index']).toBe('index.html');
    const back = await rawS3(gw.url, { method: 'GET', path: `/${b}?website`, keys: owner });
    expect(xmlValue(back.text(), 'Suffix')).toBe('index.html');
    expect(xmlValue(back.text(), 'Key')).toBe('errors/404.html');
    expect(xmlValue(back.text(), 'ReplaceKeyPrefixWith')).toBe('posts/');
  });
});

describe('website configuration rules', () => {
  it('a private bucket\'s site answers 403 (Swift refuses the anonymous read), with its error document unreadable too', async () => {
    const b = await newBucket('sitepriv');
    await put(b, 'index.html', 'secret');
    expect((await setSite(b, '<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>')).status).toBe(200);
    const res = await visit(b, '/');
    expect(res.status).toBe(403);
    expect(res.text()).not.toContain('secret');
    expect(res.headers['content-type']).toContain('text/html');
  });

  it('RedirectAllRequestsTo sends every path elsewhere', async () => {
    const b = await newBucket('siteall');
    expect((await setSite(b, '<WebsiteConfiguration><RedirectAllRequestsTo><HostName>www.example.com</HostName><Protocol>https</Protocol></RedirectAllRequestsTo></WebsiteConfiguration>')).status).toBe(200);
    const res = await visit(b, '/a/b.html');
    expect(res.status).toBe(301);
    expect(res.headers['location']).toBe('https://www.example.com/a/b.html');
  });

  it('refuses configurations S3 refuses; a bucket without one is NoSuchWebsiteConfiguration, on both endpoints; delete removes it', async () => {
    const b = await newBucket('sitebad');
    const cases: [string, string][] = [
      ['<WebsiteConfiguration><ErrorDocument><Key>e.html</Key></ErrorDocument></WebsiteConfiguration>', 'InvalidArgument'],
      ['<WebsiteConfiguration><IndexDocument><Suffix>a/b.html</Suffix></IndexDocument></WebsiteConfiguration>', 'InvalidArgument'],
      ['<WebsiteConfiguration><RedirectAllRequestsTo><HostName>x</HostName></RedirectAllRequestsTo><IndexDocument><Suffix>i</Suffix></IndexDocument></WebsiteConfiguration>', 'InvalidArgument'],
      ['<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument><RoutingRules><RoutingRule><Redirect><ReplaceKeyWith>a</ReplaceKeyWith><ReplaceKeyPrefixWith>b</ReplaceKeyPrefixWith></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>', 'MalformedXML'],
      ['<WebsiteConfiguration><RedirectAllRequestsTo><HostName>x</HostName><Protocol>ftp</Protocol></RedirectAllRequestsTo></WebsiteConfiguration>', 'InvalidRequest'],
      ['not xml', 'MalformedXML'],
    ];
    for (const [body, code] of cases) {
      const res = await setSite(b, body);
      expect(res.status, body).toBe(400);
      expect(xmlValue(res.text(), 'Code'), body).toBe(code);
    }
    const none = await rawS3(gw.url, { method: 'GET', path: `/${b}?website`, keys: owner });
    expect(none.status).toBe(404);
    expect(xmlValue(none.text(), 'Code')).toBe('NoSuchWebsiteConfiguration');
    expect((await visit(b, '/')).status).toBe(404);
    expect((await setSite(b, '<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>')).status).toBe(200);
    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${b}?website`, keys: owner })).status).toBe(204);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}?website`, keys: owner })).status).toBe(404);
    expect((await swiftDirect(stack, 'demo', 'HEAD', b)).headers['x-container-meta-web-index']).toBeUndefined();
    const bad = await rawS3(gw.url, { method: 'PUT', path: `/${b}/x`, keys: owner, body: 'x', headers: { 'x-amz-website-redirect-location': 'ftp://nope' } });
    expect(xmlValue(bad.text(), 'Code')).toBe('InvalidArgument');
  });

  it('works through boto3', async () => {
    const b = await newBucket('siteb3');
    const script = `
import boto3, json, os
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=os.environ["E"], aws_access_key_id=os.environ["A"], aws_secret_access_key=os.environ["S"], region_name="us-east-1", config=Config(s3={"addressing_style": "path"}))
b = os.environ["B"]
s3.put_bucket_website(Bucket=b, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}})
got = s3.get_bucket_website(Bucket=b)
s3.delete_bucket_website(Bucket=b)
print(json.dumps({"index": got["IndexDocument"], "error": got["ErrorDocument"]}))
`;
    const r = await run('python3', ['-c', script], { env: { E: gw.url, A: owner.access, S: owner.secret, B: b, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' }, timeoutMs: 60_000 });
    expect(r.code, describeRun('boto3 website', r)).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ index: { Suffix: 'index.html' }, error: { Key: 'error.html' } });
  }, 60_000);

  it('works through the aws CLI: aws s3 website, s3api get/delete-bucket-website, and the site it sets serves', async () => {
    const b = await newBucket('sitecli', { 'x-amz-acl': 'public-read' });
    await put(b, 'index.html', '<h1>cli home</h1>');
    await put(b, 'error.html', '<h1>cli lost</h1>');
    const env = { AWS_ACCESS_KEY_ID: owner.access, AWS_SECRET_ACCESS_KEY: owner.secret, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    const aws = async (...args: string[]) => run('aws', ['--endpoint-url', gw.url, '--output', 'json', ...args], { env, timeoutMs: 60_000 });
    const set = await aws('s3', 'website', `s3://${b}`, '--index-document', 'index.html', '--error-document', 'error.html');
    expect(set.code, describeRun('aws s3 website', set)).toBe(0);
    const got = await aws('s3api', 'get-bucket-website', '--bucket', b);
    expect(got.code, describeRun('aws get-bucket-website', got)).toBe(0);
    expect(JSON.parse(got.stdout)).toEqual({ IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'error.html' } });
    const home = await visit(b, '/');
    expect([home.status, home.text()]).toEqual([200, '<h1>cli home</h1>']);
    const lost = await visit(b, '/nowhere');
    expect([lost.status, lost.text()]).toEqual([404, '<h1>cli lost</h1>']);
    const deleted = await aws('s3api', 'delete-bucket-website', '--bucket', b);
    expect(deleted.code, describeRun('aws delete-bucket-website', deleted)).toBe(0);
    const gone = await aws('s3api', 'get-bucket-website', '--bucket', b);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('NoSuchWebsiteConfiguration');
  }, 60_000);
});
