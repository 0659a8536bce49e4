// Access control through the gateway against the real stack, with three
// projects (demo owns the buckets, alt is granted, third is a stranger) and
// anonymous requests, in path and virtual-host style: ACLs on Swift's container
// ACLs, object ACLs kept by the gateway, bucket policies, the public access
// block and Object Ownership. Swift's own view is checked directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { loadStack, type Stack } from '../helpers/stack.js';
import { purgeBucket, storageUrlOf, swiftDirect } from '../helpers/swift-direct.js';

let stack: Stack;
let gw: TestGateway;
let owner: Keys;
let grantee: Keys;
let stranger: Keys;
const buckets: string[] = [];

beforeAll(async () => {
  stack = loadStack();
  owner = stack.users.demo.ec2!;
  grantee = stack.users.alt.ec2!;
  stranger = stack.users.third.ec2!;
  gw = await startGateway({ keystoneEc2: true, dialect: 'aws' });
});

afterAll(async () => {
  for (const b of buckets) await purgeBucket(stack, 'demo', b).then(() => rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: owner }));
  await gw?.stop();
});

async function newBucket(label: string, headers: Record<string, string> = {}): Promise<string> {
  const b = uniqueBucket(label);
  const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: owner, headers });
  expect(res.status, res.text()).toBe(200);
  buckets.push(b);
  return b;
}

const put = (b: string, key: string, keys: Keys | undefined, body = 'data', headers: Record<string, string> = {}) =>
  rawS3(gw.url, { method: 'PUT', path: `/${b}/${key}`, keys, body, headers });
const get = (b: string, key: string, keys?: Keys, vhost = false) =>
  rawS3(gw.url, vhost ? { method: 'GET', path: `/${key}`, keys, host: `${b}.s3.test`, resource: `/${b}/${key}` } : { method: 'GET', path: `/${b}/${key}`, keys });
const swiftAcl = async (b: string) => (await swiftDirect(stack, 'demo', 'HEAD', b)).headers;

async function swiftCalls(): Promise<number> {
  const text = await (await fetch(`${gw.adminUrl}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith('s3gw_swift_requests_total{')).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
}

describe('bucket ACLs on Swift container ACLs', () => {
  it('public-read: everyone lists and reads, nobody else writes; Swift itself serves it anonymously; private takes it back', async () => {
    const b = await newBucket('pubread');
    expect((await put(b, 'file.txt', owner, 'public bytes')).status).toBe(200);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?acl`, keys: owner, headers: { 'x-amz-acl': 'public-read' } })).status).toBe(200);
    expect((await swiftAcl(b))['x-container-read']).toBe('.r:*,.rlistings');
    for (const vhost of [false, true]) {
      const anon = await get(b, 'file.txt', undefined, vhost);
      expect(anon.status, `vhost ${vhost}`).toBe(200);
      expect(anon.text()).toBe('public bytes');
      expect((await get(b, 'file.txt', stranger, vhost)).text()).toBe('public bytes');
    }
    expect(xmlValues((await rawS3(gw.url, { method: 'GET', path: `/${b}` })).text(), 'Key')).toEqual(['file.txt']);
    const direct = await fetch(`${storageUrlOf(stack, 'demo')}/${b}/file.txt`);
    expect(await direct.text()).toBe('public bytes');
    for (const keys of [undefined, stranger]) {
      const write = await put(b, 'intruder', keys);
      expect(write.status).toBe(403);
      expect(xmlValue(write.text(), 'Code')).toBe('AccessDenied');
    }
    const acl = await rawS3(gw.url, { method: 'GET', path: `/${b}?acl`, keys: owner });
    expect(xmlValues(acl.text(), 'URI')).toEqual(['http://acs.amazonaws.com/groups/global/AllUsers']);
    expect(xmlValues(acl.text(), 'Permission')).toEqual(['FULL_CONTROL', 'READ']);

    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?acl`, keys: owner, headers: { 'x-amz-acl': 'private' } })).status).toBe(200);
    expect((await swiftAcl(b))['x-container-read']).toBeUndefined();
    expect((await get(b, 'file.txt')).status).toBe(403);
  });

  it('a container made world-readable through the Swift API reads back as public-read', async () => {
    const b = await newBucket('swiftpub');
    await swiftDirect(stack, 'demo', 'POST', b, undefined, { headers: { 'x-container-read': '.r:*,.rlistings' } });
    const acl = await rawS3(gw.url, { method: 'GET', path: `/${b}?acl`, keys: owner });
    expect(xmlValues(acl.text(), 'URI')).toEqual(['http://acs.amazonaws.com/groups/global/AllUsers']);
    expect(xmlValues(acl.text(), 'Permission')).toContain('READ');
  });

  it('grants to a project: the grantee reads and writes (also multipart), the stranger cannot; objects it writes are its own', async () => {
    const altProject = stack.users.alt.projectId;
    const b = await newBucket('granted', { 'x-amz-grant-read': `id="${altProject}"`, 'x-amz-grant-write': `id="${altProject}"` });
    expect((await swiftAcl(b))['x-container-read']).toBe(`${altProject}:*`);
    expect((await swiftAcl(b))['x-container-write']).toBe(`${altProject}:*`);
    expect((await put(b, 'by-owner', owner, 'owner data')).status).toBe(200);
    expect((await get(b, 'by-owner', grantee)).text()).toBe('owner data');
    expect((await put(b, 'by-grantee', grantee, 'grantee data')).status).toBe(200);
    expect((await swiftDirect(stack, 'demo', 'GET', b, 'by-grantee')).body.toString()).toBe('grantee data');
    const objectAcl = await rawS3(gw.url, { method: 'GET', path: `/${b}/by-grantee?acl`, keys: grantee });
    expect(xmlValue(objectAcl.text(), 'ID')).toBe(altProject);

    // Multipart by the grantee: its parts go to the owner's segments container, which shares the grant.
    const created = await rawS3(gw.url, { method: 'POST', path: `/${b}/big?uploads`, keys: grantee });
    expect(created.status, created.text()).toBe(200);
    const id = xmlValue(created.text(), 'UploadId')!;
    const part = await rawS3(gw.url, { method: 'PUT', path: `/${b}/big?partNumber=1&uploadId=${id}`, keys: grantee, body: 'part one' });
    expect(part.status, part.text()).toBe(200);
    const done = await rawS3(gw.url, {
      method: 'POST', path: `/${b}/big?uploadId=${id}`, keys: grantee,
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers['etag']}</ETag></Part></CompleteMultipartUpload>`,
    });
    expect(done.status, done.text()).toBe(200);
    expect((await get(b, 'big', owner)).text()).toBe('part one');

    for (const res of [await get(b, 'by-owner', stranger), await put(b, 'by-stranger', stranger), await get(b, 'by-owner')]) {
      expect(res.status).toBe(403);
    }
    // The grantee cannot change the bucket's ACL (Swift lets only owners).
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?acl`, keys: grantee, headers: { 'x-amz-acl': 'public-read' } })).status).toBe(403);
  });

  it('copies across projects: from a bucket the requester may read into its own, with its own token; never from one it may not', async () => {
    const altProject = stack.users.alt.projectId;
    const shared = await newBucket('copysrc', { 'x-amz-grant-read': `id="${altProject}"` });
    const closed = await newBucket('copyclosed');
    expect((await put(shared, 'doc', owner, 'shared doc')).status).toBe(200);
    expect((await put(closed, 'doc', owner, 'closed doc')).status).toBe(200);
    const mine = uniqueBucket('copydst');
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${mine}`, keys: grantee })).status).toBe(200);
    try {
      const copy = await rawS3(gw.url, { method: 'PUT', path: `/${mine}/copied`, keys: grantee, headers: { 'x-amz-copy-source': `/${shared}/doc` } });
      expect(copy.status, copy.text()).toBe(200);
      expect((await swiftDirect(stack, 'alt', 'GET', mine, 'copied')).body.toString()).toBe('shared doc');
      // UploadPartCopy from it too.
      const id = xmlValue((await rawS3(gw.url, { method: 'POST', path: `/${mine}/mp?uploads`, keys: grantee })).text(), 'UploadId')!;
      const part = await rawS3(gw.url, { method: 'PUT', path: `/${mine}/mp?partNumber=1&uploadId=${id}`, keys: grantee, headers: { 'x-amz-copy-source': `/${shared}/doc` } });
      expect(part.status, part.text()).toBe(200);
      await rawS3(gw.url, { method: 'DELETE', path: `/${mine}/mp?uploadId=${id}`, keys: grantee });
      // No grant on the source: Swift refuses the read, nothing is written.
      const refused = await rawS3(gw.url, { method: 'PUT', path: `/${mine}/stolen`, keys: grantee, headers: { 'x-amz-copy-source': `/${closed}/doc` } });
      expect(refused.status).toBe(403);
      expect((await swiftDirect(stack, 'alt', 'HEAD', mine, 'stolen')).status).toBe(404);
      const stranger3 = await rawS3(gw.url, { method: 'PUT', path: `/${shared}/x`, keys: stranger, headers: { 'x-amz-copy-source': `/${shared}/doc` } });
      expect(stranger3.status).toBe(403);
    } finally {
      await purgeBucket(stack, 'alt', mine);
      await rawS3(gw.url, { method: 'DELETE', path: `/${mine}`, keys: grantee });
    }
  });

  it('READ_ACP lets another project read a bucket\'s and an object\'s ACL, nothing more; the object\'s writer manages its own ACL', async () => {
    const altProject = stack.users.alt.projectId;
    const readAcpOnly = await newBucket('readacp', { 'x-amz-grant-read-acp': `id="${altProject}"` });
    const acl = await rawS3(gw.url, { method: 'GET', path: `/${readAcpOnly}?acl`, keys: grantee });
    expect(acl.status, acl.text()).toBe(200);
    expect(xmlValues(acl.text(), 'Permission')).toEqual(['READ_ACP']);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${readAcpOnly}?acl`, keys: stranger })).status).toBe(403);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${readAcpOnly}`, keys: grantee })).status).toBe(403);
    // WRITE without READ: the gateway must read a key before it replaces it (a
    // multipart object's parts go with it), so such a grantee cannot write.
    const writeOnly = await newBucket('writeonly', { 'x-amz-grant-write': `id="${altProject}"` });
    expect((await put(writeOnly, 'x', grantee)).status).toBe(403);

    const b = await newBucket('objowner', { 'x-amz-grant-read': `id="${altProject}"`, 'x-amz-grant-write': `id="${altProject}"` });

    // An object alt writes is alt's: alt reads and sets its ACL, the bucket owner too; the stranger cannot.
    expect((await put(b, 'alts', grantee, 'by alt', { 'x-amz-acl': 'bucket-owner-full-control' })).status).toBe(200);
    const objectAcl = await rawS3(gw.url, { method: 'GET', path: `/${b}/alts?acl`, keys: grantee });
    expect(objectAcl.status, objectAcl.text()).toBe(200);
    expect(xmlValues(objectAcl.text(), 'ID')).toEqual([altProject, altProject, stack.users.demo.projectId]);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/alts?acl`, keys: grantee, headers: { 'x-amz-grant-read': `id="${stack.users.third.projectId}"` } })).status).toBe(200);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/alts?acl`, keys: owner })).status).toBe(200);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/alts?acl`, keys: stranger, headers: { 'x-amz-acl': 'public-read' } })).status).toBe(403);
  });

  it('public-read-write lets anonymous users write (the gateway writes for them), and the objects stay readable to all', async () => {
    const b = await newBucket('pubrw', { 'x-amz-acl': 'public-read-write' });
    const write = await put(b, 'dropped', undefined, 'anonymous bytes');
    expect(write.status, write.text()).toBe(200);
    expect((await swiftDirect(stack, 'demo', 'GET', b, 'dropped')).body.toString()).toBe('anonymous bytes');
    expect((await get(b, 'dropped')).text()).toBe('anonymous bytes');
    // A copy reads a source: not for anonymous writers.
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/copy`, headers: { 'x-amz-copy-source': `/${b}/dropped` } })).status).toBe(403);
  });

  it('refuses what S3 refuses: an e-mail grantee, an unknown canned ACL, canned and grants together', async () => {
    const b = await newBucket('aclerr');
    const cases: [Record<string, string>, number, string][] = [
      [{ 'x-amz-grant-read': 'emailAddress="x@example.com"' }, 400, 'UnresolvableGrantByEmailAddress'],
      [{ 'x-amz-acl': 'public' }, 400, 'InvalidArgument'],
      [{ 'x-amz-acl': 'public-read', 'x-amz-grant-write': `id="${stack.users.alt.projectId}"` }, 400, 'InvalidRequest'],
    ];
    for (const [headers, status, code] of cases) {
      const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}?acl`, keys: owner, headers });
      expect(res.status, JSON.stringify(headers)).toBe(status);
      expect(xmlValue(res.text(), 'Code')).toBe(code);
    }
  });
});

describe('object ACLs kept by the gateway', () => {
  it('a public-read object in a private bucket is readable by all; its neighbours and a private-again object are not', async () => {
    const b = await newBucket('objacl');
    expect((await put(b, 'shared.txt', owner, 'shared bytes', { 'x-amz-acl': 'public-read' })).status).toBe(200);
    expect((await put(b, 'secret.txt', owner, 'secret bytes')).status).toBe(200);
    for (const vhost of [false, true]) {
      const anon = await get(b, 'shared.txt', undefined, vhost);
      expect(anon.status, `vhost ${vhost}`).toBe(200);
      expect(anon.text()).toBe('shared bytes');
    }
    expect((await get(b, 'shared.txt', stranger)).text()).toBe('shared bytes');
    const head = await rawS3(gw.url, { method: 'HEAD', path: `/${b}/shared.txt` });
    expect(head.status).toBe(200);
    for (const res of [await get(b, 'secret.txt'), await get(b, 'secret.txt', stranger), await rawS3(gw.url, { method: 'GET', path: `/${b}` })]) {
      expect(res.status).toBe(403);
      expect(res.text()).not.toContain('secret bytes');
    }
    // Swift's own view: the container is not public, the gateway reads for others.
    expect((await swiftAcl(b))['x-container-read']).not.toContain('.r:*');
    expect(await (await fetch(`${storageUrlOf(stack, 'demo')}/${b}/shared.txt`)).status).toBe(401);

    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/shared.txt?acl`, keys: owner, headers: { 'x-amz-acl': 'private' } })).status).toBe(200);
    expect((await get(b, 'shared.txt')).status).toBe(403);
    expect((await get(b, 'shared.txt', owner)).text()).toBe('shared bytes');
  });

  it('F1: a manifest the gateway did not write is never followed for an object-ACL reader, even when its ACL says public-read', async () => {
    const b = await newBucket('objf1');
    expect((await put(b, 'private-part', owner, 'private segment bytes')).status).toBe(200);
    const manifest = JSON.stringify([{ path: `/${b}/private-part` }]);
    expect((await swiftDirect(stack, 'demo', 'PUT', b, 'crafted', { body: manifest, query: { 'multipart-manifest': 'put' } })).status).toBe(201);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/crafted?acl`, keys: owner, headers: { 'x-amz-acl': 'public-read' } })).status).toBe(200);
    const anon = await get(b, 'crafted');
    expect(anon.status).toBe(403);
    expect(anon.text()).not.toContain('private segment bytes');
  });
});

describe('bucket policies', () => {
  const policyOf = (b: string, statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

  it('Allow for everyone on a prefix, Allow for one project to write an inbox; others and other prefixes refused', async () => {
    const b = await newBucket('policy');
    expect((await put(b, 'public/a.txt', owner, 'public a')).status).toBe(200);
    expect((await put(b, 'private/b.txt', owner, 'private b')).status).toBe(200);
    const policy = policyOf(b, [
      { Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/public/*` },
      { Sid: 'Inbox', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${stack.users.alt.projectId}:root` }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${b}/inbox/*` },
      { Sid: 'Audit', Effect: 'Allow', Principal: { AWS: stack.users.third.projectId }, Action: 's3:GetObjectAcl', Resource: `arn:aws:s3:::${b}/*` },
    ]);
    const set = await rawS3(gw.url, { method: 'PUT', path: `/${b}?policy`, keys: owner, body: policy });
    expect(set.status, set.text()).toBe(204);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}?policy`, keys: owner })).text()).toBe(policy);
    expect(xmlValue((await rawS3(gw.url, { method: 'GET', path: `/${b}?policyStatus`, keys: owner })).text(), 'IsPublic')).toBe('true');

    expect((await get(b, 'public/a.txt')).text()).toBe('public a');
    expect((await get(b, 'public/a.txt', stranger, true)).text()).toBe('public a');
    expect((await get(b, 'private/b.txt')).status).toBe(403);
    expect((await get(b, 'private/b.txt', stranger)).status).toBe(403);

    // The auditor reads ACLs, not objects.
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/private/b.txt?acl`, keys: stranger })).status).toBe(200);
    expect((await get(b, 'private/b.txt', stranger)).status).toBe(403);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/private/b.txt?acl`, keys: grantee })).status).toBe(403);

    expect((await put(b, 'inbox/from-alt', grantee, 'letter')).status).toBe(200);
    expect((await swiftDirect(stack, 'demo', 'GET', b, 'inbox/from-alt')).body.toString()).toBe('letter');
    expect((await put(b, 'elsewhere', grantee)).status).toBe(403);
    expect((await put(b, 'inbox/from-third', stranger)).status).toBe(403);
    expect((await put(b, 'inbox/anonymous', undefined)).status).toBe(403);
    expect((await swiftDirect(stack, 'demo', 'HEAD', b, 'elsewhere')).status).toBe(404);
    // A copy of a private object into the inbox: the source is not one the policy lets alt read.
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/inbox/copy`, keys: grantee, headers: { 'x-amz-copy-source': `/${b}/private/b.txt` } })).status).toBe(403);
    expect((await swiftDirect(stack, 'demo', 'HEAD', b, 'inbox/copy')).status).toBe(404);
  });

  it('an explicit Deny wins over everything, the owner included, and never reaches Swift; the owner can still remove the policy', async () => {
    const b = await newBucket('deny');
    expect((await put(b, 'doc', owner, 'doc')).status).toBe(200);
    const deny = policyOf(b, [{ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*`, Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }]);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?policy`, keys: owner, body: deny })).status).toBe(204);
    expect(xmlValue((await rawS3(gw.url, { method: 'GET', path: `/${b}?policyStatus`, keys: owner })).text(), 'IsPublic')).toBe('false');
    await get(b, 'doc', owner); // the token and registry entry are cached now
    const before = await swiftCalls();
    const denied = await get(b, 'doc', owner);
    expect(denied.status).toBe(403);
    expect(xmlValue(denied.text(), 'Code')).toBe('AccessDenied');
    expect(await swiftCalls()).toBe(before);
    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${b}?policy`, keys: owner })).status).toBe(204);
    expect((await get(b, 'doc', owner)).text()).toBe('doc');
    const none = await rawS3(gw.url, { method: 'GET', path: `/${b}?policy`, keys: owner });
    expect(none.status).toBe(404);
    expect(xmlValue(none.text(), 'Code')).toBe('NoSuchBucketPolicy');
  });

  it('refuses a policy S3 would refuse, with the reason (MalformedPolicy), and only its owner may set one', async () => {
    const b = await newBucket('badpolicy');
    const cases = [
      'not json',
      policyOf(b, [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::another-bucket/*' }]),
      policyOf(b, [{ Effect: 'Allow', Principal: '*', Action: 's3:FlyAway', Resource: `arn:aws:s3:::${b}/*` }]),
      policyOf(b, [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*` }]),
      policyOf(b, Array.from({ length: 200 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/${'p'.repeat(60)}${i}/*` }))),
    ];
    for (const body of cases) {
      const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}?policy`, keys: owner, body });
      expect(res.status, body.slice(0, 80)).toBe(400);
      expect(xmlValue(res.text(), 'Code')).toBe('MalformedPolicy');
      expect(xmlValue(res.text(), 'Message')!.length).toBeGreaterThan(10);
    }
    const fine = policyOf(b, [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*` }]);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?policy`, keys: grantee, body: fine })).status).toBe(403);
  });
});

describe('public access block', () => {
  it('BlockPublicAcls and BlockPublicPolicy refuse public settings; IgnorePublicAcls takes public grants out of Swift; RestrictPublicBuckets keeps a public policy to the owner', async () => {
    const b = await newBucket('pab');
    expect((await put(b, 'f', owner, 'f bytes')).status).toBe(200);
    const none = await rawS3(gw.url, { method: 'GET', path: `/${b}?publicAccessBlock`, keys: owner });
    expect(xmlValue(none.text(), 'Code')).toBe('NoSuchPublicAccessBlockConfiguration');
    const block = (flags: Record<string, boolean>) => `<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${Object.entries(flags).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</PublicAccessBlockConfiguration>`;
    const publicPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*` }] });

    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?publicAccessBlock`, keys: owner, body: block({ BlockPublicAcls: true, BlockPublicPolicy: true }) })).status).toBe(200);
    expect(xmlValue((await rawS3(gw.url, { method: 'GET', path: `/${b}?publicAccessBlock`, keys: owner })).text(), 'BlockPublicPolicy')).toBe('true');
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?acl`, keys: owner, headers: { 'x-amz-acl': 'public-read' } })).status).toBe(403);
    expect((await put(b, 'g', owner, 'g', { 'x-amz-acl': 'public-read' })).status).toBe(403);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?policy`, keys: owner, body: publicPolicy })).status).toBe(403);

    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${b}?publicAccessBlock`, keys: owner })).status).toBe(204);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?acl`, keys: owner, headers: { 'x-amz-acl': 'public-read' } })).status).toBe(200);
    expect((await get(b, 'f')).status).toBe(200);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?publicAccessBlock`, keys: owner, body: block({ IgnorePublicAcls: true }) })).status).toBe(200);
    expect((await swiftAcl(b))['x-container-read'] ?? '').not.toContain('.r:*');
    expect((await get(b, 'f')).status).toBe(403);
    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${b}?publicAccessBlock`, keys: owner })).status).toBe(204);
    expect((await swiftAcl(b))['x-container-read']).toContain('.r:*');
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?acl`, keys: owner, headers: { 'x-amz-acl': 'private' } })).status).toBe(200);

    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?policy`, keys: owner, body: publicPolicy })).status).toBe(204);
    expect((await get(b, 'f')).text()).toBe('f bytes');
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?publicAccessBlock`, keys: owner, body: block({ RestrictPublicBuckets: true }) })).status).toBe(200);
    expect((await get(b, 'f')).status).toBe(403);
    expect((await get(b, 'f', stranger)).status).toBe(403);
    expect((await get(b, 'f', owner)).text()).toBe('f bytes');
  });
});

describe('Object Ownership', () => {
  it('BucketOwnerEnforced turns ACLs off as S3 does; the controls read back and delete', async () => {
    const b = await newBucket('owned', { 'x-amz-object-ownership': 'BucketOwnerEnforced' });
    const controls = await rawS3(gw.url, { method: 'GET', path: `/${b}?ownershipControls`, keys: owner });
    expect(xmlValue(controls.text(), 'ObjectOwnership')).toBe('BucketOwnerEnforced');
    const acl = await put(b, 'x', owner, 'x', { 'x-amz-acl': 'public-read' });
    expect(acl.status).toBe(400);
    expect(xmlValue(acl.text(), 'Code')).toBe('AccessControlListNotSupported');
    expect((await put(b, 'y', owner, 'y', { 'x-amz-acl': 'bucket-owner-full-control' })).status).toBe(200);
    expect(xmlValue((await rawS3(gw.url, { method: 'PUT', path: `/${b}?acl`, keys: owner, headers: { 'x-amz-acl': 'private' } })).text(), 'Code')).toBe('AccessControlListNotSupported');
    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${b}?ownershipControls`, keys: owner })).status).toBe(204);
    expect(xmlValue((await rawS3(gw.url, { method: 'GET', path: `/${b}?ownershipControls`, keys: owner })).text(), 'Code')).toBe('OwnershipControlsNotFoundError');
    expect((await put(b, 'z', owner, 'z', { 'x-amz-acl': 'public-read' })).status).toBe(200);
  });

  it('BucketOwnerEnforced cannot be set on a bucket whose ACL grants others (InvalidBucketAclWithObjectOwnership)', async () => {
    const b = await newBucket('ownfail', { 'x-amz-acl': 'public-read' });
    const body = '<OwnershipControls xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>';
    const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}?ownershipControls`, keys: owner, body });
    expect(res.status).toBe(400);
    expect(xmlValue(res.text(), 'Code')).toBe('InvalidBucketAclWithObjectOwnership');
  });
});
