// Every operation family against the fake Swift, table-driven: each
// operation runs once to record the Swift calls it makes, then once per
// (call, failure Swift can answer that call) with that one call failing, and the S3 answer must
// be the one the family's table gives. Swift-side trouble (499, 503, 507, a
// connection failure) is never a success nor an InternalError.
import { createHash, createHmac } from 'node:crypto';
import { checksumOf } from '../../../src/s3/checksums.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../helpers/fake-swift/index.js';
import { xmlValue } from '../../helpers/raw-s3.js';
import { RIG_KEYS, gatewayRig, type GatewayRig } from './fake-rig.js';

type Fault = number | 'ECONNREFUSED';
const FAULTS: Fault[] = [401, 404, 409, 412, 413, 416, 422, 499, 503, 507, 'ECONNREFUSED'];

/**
 * The faults of FAULTS that Swift can answer to this call: 413 (too large) and
 * 422 (ETag mismatch) only to a write with a body, 416 only to a GET, 412 only
 * to a conditional request, 409 never to a read (GET/HEAD). A status Swift
 * cannot give a call tests nothing the others do not, and the table runs a
 * whole gateway per (call, fault).
 */
function faultsFor(call: RecordedCall): Fault[] {
  const read = call.method === 'GET' || call.method === 'HEAD';
  const conditional = Object.keys(call.headers).some((h) => h.startsWith('if-') || h === 'x-if-delete-at');
  return FAULTS.filter((f) => {
    if (f === 413 || f === 422) return call.method === 'PUT' || call.method === 'POST';
    if (f === 416) return call.method === 'GET';
    if (f === 412) return conditional;
    if (f === 409) return !read;
    return true;
  });
}

interface Scenario {
  /** Writes what the request needs, through the gateway; answers values for the request. */
  readonly seed: (rig: GatewayRig) => Promise<Record<string, string>>;
  readonly request: (v: Record<string, string>) => { method: string; path: string; body?: string | Buffer; headers?: Record<string, string> };
  readonly ok: number;
  /** Run in the global namespace (a registry in the fake's service account). */
  readonly namespace?: boolean;
  /** Stage single PUTs from this size (object/staged-put.ts). */
  readonly stagedFrom?: number;
  /** s3.storageClasses: STANDARD_IA on the fake's second policy (operations/storage/). */
  readonly classes?: boolean;
}

const md5b64 = (s: string) => createHash('md5').update(s).digest('base64');
const bucketOnly = async (rig: GatewayRig) => {
  await rig.s3('PUT', '/bkt');
  return {};
};
const withObject = async (rig: GatewayRig) => {
  await rig.s3('PUT', '/bkt');
  await rig.s3('PUT', '/bkt/k', { body: 'hello' });
  return {};
};
const withUpload = async (rig: GatewayRig) => {
  await rig.s3('PUT', '/bkt');
  const id = xmlValue((await rig.s3('POST', '/bkt/k?uploads')).text(), 'UploadId')!;
  const etag = (await rig.s3('PUT', `/bkt/k?partNumber=1&uploadId=${id}`, { body: 'part one' })).headers['etag']!;
  return { id, etag };
};
const withClassUpload = async (rig: GatewayRig) => {
  await rig.s3('PUT', '/bkt');
  const id = xmlValue((await rig.s3('POST', '/bkt/k?uploads', { headers: { 'x-amz-storage-class': 'STANDARD_IA' } })).text(), 'UploadId')!;
  const etag = (await rig.s3('PUT', `/bkt/k?partNumber=1&uploadId=${id}`, { body: 'part one' })).headers['etag']!;
  return { id, etag };
};
const withCompleted = async (rig: GatewayRig) => {
  const v = await withUpload(rig);
  await rig.s3('POST', `/bkt/k?uploadId=${v.id}`, { body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${v.etag}</ETag></Part></CompleteMultipartUpload>` });
  return {};
};
const md5hex = (s: string) => createHash('md5').update(s).digest('hex');
const deleteBody = '<Delete><Object><Key>k</Key></Object></Delete>';
const LOCK_ON = { 'x-amz-bucket-object-lock-enabled': 'true' };
const lockedBucket = async (rig: GatewayRig) => {
  await rig.s3('PUT', '/bkt', { headers: LOCK_ON });
  return {};
};
const withLockedObject = async (rig: GatewayRig) => {
  await rig.s3('PUT', '/bkt', { headers: LOCK_ON });
  await rig.s3('PUT', '/bkt/k', { body: 'hello', headers: { 'content-md5': md5b64('hello'), 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': '2199-01-01T00:00:00Z', 'x-amz-object-lock-legal-hold': 'ON' } });
  return {};
};
const withLockBucketObject = async (rig: GatewayRig) => {
  await rig.s3('PUT', '/bkt', { headers: LOCK_ON });
  await rig.s3('PUT', '/bkt/k', { body: 'hello' });
  return {};
};
const withLockedUpload = async (rig: GatewayRig) => {
  await rig.s3('PUT', '/bkt', { headers: LOCK_ON });
  const id = xmlValue((await rig.s3('POST', '/bkt/k?uploads', { headers: { 'x-amz-object-lock-legal-hold': 'ON' } })).text(), 'UploadId')!;
  const etag = (await rig.s3('PUT', `/bkt/k?partNumber=1&uploadId=${id}`, { body: 'part one' })).headers['etag']!;
  return { id, etag };
};
const lockConfigBody = '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>';
const retentionBody = '<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2199-06-01T00:00:00Z</RetainUntilDate></Retention>';
const legalHoldBody = '<LegalHold><Status>ON</Status></LegalHold>';
const md5Body = (method: string, path: string, body: string) => ({ method, path, body, headers: { 'content-md5': md5b64(body) } });
const crc32cOf = (d: string) => checksumOf('crc32c', Buffer.from(d));
/** An upload that declared CRC32C (COMPOSITE), its part 1 sent with its checksum. */
const withChecksumUpload = async (rig: GatewayRig) => {
  await rig.s3('PUT', '/bkt');
  const id = xmlValue((await rig.s3('POST', '/bkt/k?uploads', { headers: { 'x-amz-checksum-algorithm': 'CRC32C' } })).text(), 'UploadId')!;
  const etag = (await rig.s3('PUT', `/bkt/k?partNumber=1&uploadId=${id}`, { body: 'part one', headers: { 'x-amz-checksum-crc32c': crc32cOf('part one') } })).headers['etag']!;
  return { id, etag };
};
/** A completed CRC32C multipart object (GetObjectAttributes reads its manifest and its parts' listing). */
const withChecksumObject = async (rig: GatewayRig) => {
  const { id, etag } = await withChecksumUpload(rig);
  await rig.s3('POST', `/bkt/k?uploadId=${id}`, { body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>` });
  return {};
};
/** A browser upload's form, signed with SigV2 for the rig's key. */
function postForm(): { body: Buffer; headers: Record<string, string> } {
  const policy = Buffer.from(JSON.stringify({ expiration: new Date(Date.now() + 600_000).toISOString(), conditions: [{ bucket: 'bkt' }, { key: 'k' }] })).toString('base64');
  const fields = { key: 'k', AWSAccessKeyId: RIG_KEYS.access, policy, signature: createHmac('sha1', RIG_KEYS.secret).update(policy).digest('base64') };
  const b = 'rigboundary';
  const parts = Object.entries(fields).map(([n, v]) => `--${b}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`);
  const body = Buffer.from(`${parts.join('')}--${b}\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\n\r\nform body\r\n--${b}--\r\n`);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
}
const policyBody = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/*' }] });
const withPolicy = async (rig: GatewayRig) => {
  await rig.s3('PUT', '/bkt');
  await rig.s3('PUT', '/bkt?policy', { body: policyBody });
  return {};
};
const lifecycleBody = '<LifecycleConfiguration><Rule><ID>tmp</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>';
const withLifecycle = async (rig: GatewayRig) => {
  await rig.s3('PUT', '/bkt');
  await rig.s3('PUT', '/bkt?lifecycle', { body: lifecycleBody, headers: { 'content-md5': md5b64(lifecycleBody) } });
  return {};
};
const corsBody = '<CORSConfiguration><CORSRule><AllowedOrigin>https://app.test</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>';
const blockBody = '<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>';
const ownershipBody = '<OwnershipControls><Rule><ObjectOwnership>BucketOwnerPreferred</ObjectOwnership></Rule></OwnershipControls>';
const taggingBody = '<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>';
/** Ten tags of 128 + 256 characters: never on the object itself, always a record in bkt+tags. */
const largeTags = Array.from({ length: 10 }, (_, i) => `${i}${'k'.repeat(127)}=${'v'.repeat(256)}`).join('&');
const largeTaggingBody = `<Tagging><TagSet>${Array.from({ length: 10 }, (_, i) => `<Tag><Key>${i}${'k'.repeat(127)}</Key><Value>${'v'.repeat(256)}</Value></Tag>`).join('')}</TagSet></Tagging>`;
const withTaggedObject = async (rig: GatewayRig) => {
  await rig.s3('PUT', '/bkt');
  await rig.s3('PUT', '/bkt/k', { body: 'hello', headers: { 'x-amz-tagging': 'a=1' } });
  return {};
};
const withRecordObject = async (rig: GatewayRig) => {
  await rig.s3('PUT', '/bkt');
  await rig.s3('PUT', '/bkt/k', { body: 'hello', headers: { 'x-amz-tagging': largeTags } });
  return {};
};
const withBucketTags = async (rig: GatewayRig) => {
  await rig.s3('PUT', '/bkt');
  await rig.s3('PUT', '/bkt?tagging', { body: taggingBody, headers: { 'content-md5': md5b64(taggingBody) } });
  return {};
};

/** In the global namespace: the registry's own calls (in the service account) fail in turn too. */
const inNamespace = (s: Scenario): Scenario => ({ ...s, namespace: true });

const SCENARIOS: Record<string, Record<string, Scenario>> = {
  service: {
    ListBuckets: { seed: bucketOnly, request: () => ({ method: 'GET', path: '/' }), ok: 200 },
  },
  bucket: {
    HeadBucket: { seed: bucketOnly, request: () => ({ method: 'HEAD', path: '/bkt' }), ok: 200 },
    CreateBucket: { seed: async () => ({}), request: () => ({ method: 'PUT', path: '/bkt' }), ok: 200 },
    DeleteBucket: { seed: bucketOnly, request: () => ({ method: 'DELETE', path: '/bkt' }), ok: 204 },
    GetBucketLocation: { seed: bucketOnly, request: () => ({ method: 'GET', path: '/bkt?location' }), ok: 200 },
    GetBucketVersioning: { seed: bucketOnly, request: () => ({ method: 'GET', path: '/bkt?versioning' }), ok: 200 },
    PutBucketVersioning: { seed: bucketOnly, request: () => ({ method: 'PUT', path: '/bkt?versioning', body: '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>' }), ok: 200 },
    GetBucketAcl: { seed: bucketOnly, request: () => ({ method: 'GET', path: '/bkt?acl' }), ok: 200 },
    PutBucketAcl: { seed: bucketOnly, request: () => ({ method: 'PUT', path: '/bkt?acl', headers: { 'x-amz-grant-write': 'id="p-other"', 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' } }), ok: 200 },
    'CreateBucket (object lock)': { seed: async () => ({}), request: () => ({ method: 'PUT', path: '/bkt', headers: LOCK_ON }), ok: 200 },
    GetObjectLockConfiguration: { seed: lockedBucket, request: () => ({ method: 'GET', path: '/bkt?object-lock' }), ok: 200 },
    PutObjectLockConfiguration: { seed: lockedBucket, request: () => md5Body('PUT', '/bkt?object-lock', lockConfigBody), ok: 200 },
    PutBucketTagging: { seed: bucketOnly, request: () => md5Body('PUT', '/bkt?tagging', taggingBody), ok: 204 },
    GetBucketTagging: { seed: withBucketTags, request: () => ({ method: 'GET', path: '/bkt?tagging' }), ok: 200 },
    DeleteBucketTagging: { seed: withBucketTags, request: () => ({ method: 'DELETE', path: '/bkt?tagging' }), ok: 204 },
  },
  listing: {
    ListObjects: { seed: withObject, request: () => ({ method: 'GET', path: '/bkt' }), ok: 200 },
    ListObjectsV2: { seed: withObject, request: () => ({ method: 'GET', path: '/bkt?list-type=2' }), ok: 200 },
    ListObjectVersions: { seed: withObject, request: () => ({ method: 'GET', path: '/bkt?versions' }), ok: 200 },
  },
  object: {
    GetObject: { seed: withObject, request: () => ({ method: 'GET', path: '/bkt/k' }), ok: 200 },
    HeadObject: { seed: withObject, request: () => ({ method: 'HEAD', path: '/bkt/k' }), ok: 200 },
    PutObject: { seed: bucketOnly, request: () => ({ method: 'PUT', path: '/bkt/k', body: 'new body' }), ok: 200 },
    CopyObject: { seed: withObject, request: () => ({ method: 'PUT', path: '/bkt/copy', headers: { 'x-amz-copy-source': '/bkt/k' } }), ok: 200 },
    DeleteObject: { seed: withObject, request: () => ({ method: 'DELETE', path: '/bkt/k' }), ok: 204 },
    // Through the bulk middleware (POST ?bulk-delete) in a bucket that never had versioning.
    DeleteObjects: { seed: withObject, request: () => ({ method: 'POST', path: '/bkt?delete', body: deleteBody, headers: { 'content-md5': md5b64(deleteBody) } }), ok: 200 },
    // A multipart object among the keys: its manifest is read, its segments go in a second bulk request.
    DeleteObjectsWithSegments: {
      seed: withCompleted,
      request: () => ({ method: 'POST', path: '/bkt?delete', body: deleteBody, headers: { 'content-md5': md5b64(deleteBody) } }),
      ok: 200,
    },
    // Conditional writes: the key's claim in bkt+segments (listed, written, listed, deleted) around the write.
    'PutObject (a class on another policy: companion bytes, then the manifest)': {
      seed: withObject, request: () => ({ method: 'PUT', path: '/bkt/k', body: 'new body', headers: { 'x-amz-storage-class': 'STANDARD_IA' } }), ok: 200, classes: true,
    },
    'CopyObject (into a class on another policy)': {
      seed: withObject, request: () => ({ method: 'PUT', path: '/bkt/k2', headers: { 'x-amz-copy-source': '/bkt/k', 'x-amz-storage-class': 'STANDARD_IA' } }), ok: 200, classes: true,
    },
    'GetObject (of another class)': {
      seed: async (rig) => { await rig.s3('PUT', '/bkt'); await rig.s3('PUT', '/bkt/k', { body: 'cold', headers: { 'x-amz-storage-class': 'STANDARD_IA' } }); return {}; },
      request: () => ({ method: 'GET', path: '/bkt/k' }), ok: 200, classes: true,
    },
    'DeleteObject (of another class)': {
      seed: async (rig) => { await rig.s3('PUT', '/bkt'); await rig.s3('PUT', '/bkt/k', { body: 'cold', headers: { 'x-amz-storage-class': 'STANDARD_IA' } }); return {}; },
      request: () => ({ method: 'DELETE', path: '/bkt/k' }), ok: 204, classes: true,
    },
    'PutObject (staged)': { seed: withObject, request: () => ({ method: 'PUT', path: '/bkt/k', body: 'new body', headers: { 'content-md5': md5b64('new body') } }), ok: 200, stagedFrom: 1 },
    'PutObject (staged, over a staged one)': { seed: async (rig) => { await withObject(rig); await rig.s3('PUT', '/bkt/k', { body: 'old staged' }); return {}; }, request: () => ({ method: 'PUT', path: '/bkt/k', body: 'new body' }), ok: 200, stagedFrom: 1 },
    PutObjectIfNoneMatch: { seed: bucketOnly, request: () => ({ method: 'PUT', path: '/bkt/k', body: 'new body', headers: { 'if-none-match': '*' } }), ok: 200 },
    PutObjectIfMatch: { seed: withObject, request: () => ({ method: 'PUT', path: '/bkt/k', body: 'new body', headers: { 'if-match': `"${md5hex('hello')}"` } }), ok: 200 },
    DeleteObjectIfMatch: { seed: withObject, request: () => ({ method: 'DELETE', path: '/bkt/k', headers: { 'if-match': `"${md5hex('hello')}"` } }), ok: 204 },
    GetObjectAcl: { seed: withObject, request: () => ({ method: 'GET', path: '/bkt/k?acl' }), ok: 200 },
    GetObjectAttributes: {
      seed: withChecksumObject, request: () => ({ method: 'GET', path: '/bkt/k?attributes', headers: { 'x-amz-object-attributes': 'ETag,Checksum,ObjectParts,StorageClass,ObjectSize' } }), ok: 200,
    },
    PostObject: { seed: bucketOnly, request: () => ({ method: 'POST', path: '/bkt', ...postForm() }), ok: 204 },
    'GetObject (partNumber with checksum mode: the part\'s checksum from its segment)': {
      seed: withChecksumObject, request: () => ({ method: 'GET', path: '/bkt/k?partNumber=1', headers: { 'x-amz-checksum-mode': 'ENABLED' } }), ok: 206,
    },
    PutObjectAcl: { seed: withObject, request: () => ({ method: 'PUT', path: '/bkt/k?acl', headers: { 'x-amz-acl': 'public-read' } }), ok: 200 },
    'PutObject (object lock)': { seed: lockedBucket, request: () => ({ method: 'PUT', path: '/bkt/k', body: 'new body', headers: { 'content-md5': md5b64('new body'), 'x-amz-object-lock-legal-hold': 'ON' } }), ok: 200 },
    'CopyObject (object lock)': { seed: withLockBucketObject, request: () => ({ method: 'PUT', path: '/bkt/copy', headers: { 'x-amz-copy-source': '/bkt/k', 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': '2199-01-01T00:00:00Z' } }), ok: 200 },
    'DeleteObject (lock-enabled bucket)': { seed: withLockBucketObject, request: () => ({ method: 'DELETE', path: '/bkt/k?versionId=null' }), ok: 204 },
    GetObjectRetention: { seed: withLockedObject, request: () => ({ method: 'GET', path: '/bkt/k?retention' }), ok: 200 },
    PutObjectRetention: { seed: withLockedObject, request: () => md5Body('PUT', '/bkt/k?retention', retentionBody), ok: 200 },
    GetObjectLegalHold: { seed: withLockedObject, request: () => ({ method: 'GET', path: '/bkt/k?legal-hold' }), ok: 200 },
    PutObjectLegalHold: { seed: withLockedObject, request: () => md5Body('PUT', '/bkt/k?legal-hold', legalHoldBody), ok: 200 },
    GetObjectTagging: { seed: withTaggedObject, request: () => ({ method: 'GET', path: '/bkt/k?tagging' }), ok: 200 },
    'GetObjectTagging (a record)': { seed: withRecordObject, request: () => ({ method: 'GET', path: '/bkt/k?tagging' }), ok: 200 },
    PutObjectTagging: { seed: withObject, request: () => ({ method: 'PUT', path: '/bkt/k?tagging', body: taggingBody }), ok: 200 },
    'PutObjectTagging (a record: too large for the object)': { seed: withObject, request: () => ({ method: 'PUT', path: '/bkt/k?tagging', body: largeTaggingBody }), ok: 200 },
    DeleteObjectTagging: { seed: withTaggedObject, request: () => ({ method: 'DELETE', path: '/bkt/k?tagging' }), ok: 204 },
    'PutObject (tags in a record)': { seed: bucketOnly, request: () => ({ method: 'PUT', path: '/bkt/k', body: 'new body', headers: { 'x-amz-tagging': largeTags } }), ok: 200 },
    'GetObject (tags in a record)': { seed: withRecordObject, request: () => ({ method: 'GET', path: '/bkt/k' }), ok: 200 },
    'CopyObject (the source\'s tags in a record)': { seed: withRecordObject, request: () => ({ method: 'PUT', path: '/bkt/copy', headers: { 'x-amz-copy-source': '/bkt/k' } }), ok: 200 },
    'DeleteObject (a bucket with tag records)': { seed: withRecordObject, request: () => ({ method: 'DELETE', path: '/bkt/k' }), ok: 204 },
  },
  namespace: {
    CreateBucket: inNamespace({ seed: async () => ({}), request: () => ({ method: 'PUT', path: '/bkt', headers: { 'x-amz-acl': 'public-read' } }), ok: 200 }),
    DeleteBucket: inNamespace({ seed: bucketOnly, request: () => ({ method: 'DELETE', path: '/bkt' }), ok: 204 }),
    HeadBucket: inNamespace({ seed: bucketOnly, request: () => ({ method: 'HEAD', path: '/bkt' }), ok: 200 }),
    GetObject: inNamespace({ seed: withObject, request: () => ({ method: 'GET', path: '/bkt/k' }), ok: 200 }),
    PutObject: inNamespace({ seed: bucketOnly, request: () => ({ method: 'PUT', path: '/bkt/k', body: 'public', headers: { 'x-amz-acl': 'public-read' } }), ok: 200 }),
    PutBucketPolicy: inNamespace({ seed: bucketOnly, request: () => ({ method: 'PUT', path: '/bkt?policy', body: policyBody }), ok: 204 }),
    GetBucketPolicy: inNamespace({ seed: withPolicy, request: () => ({ method: 'GET', path: '/bkt?policy' }), ok: 200 }),
    DeleteBucketPolicy: inNamespace({ seed: withPolicy, request: () => ({ method: 'DELETE', path: '/bkt?policy' }), ok: 204 }),
    GetBucketPolicyStatus: inNamespace({ seed: withPolicy, request: () => ({ method: 'GET', path: '/bkt?policyStatus' }), ok: 200 }),
    PutPublicAccessBlock: inNamespace({ seed: bucketOnly, request: () => ({ method: 'PUT', path: '/bkt?publicAccessBlock', body: blockBody }), ok: 200 }),
    PutBucketCors: inNamespace({ seed: bucketOnly, request: () => ({ method: 'PUT', path: '/bkt?cors', body: corsBody, headers: { 'content-md5': md5b64(corsBody) } }), ok: 200 }),
    PutBucketWebsite: inNamespace({ seed: bucketOnly, request: () => ({ method: 'PUT', path: '/bkt?website', body: '<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>' }), ok: 200 }),
    DeleteBucketWebsite: inNamespace({ seed: bucketOnly, request: () => ({ method: 'DELETE', path: '/bkt?website' }), ok: 204 }),
    DeleteBucketCors: inNamespace({ seed: bucketOnly, request: () => ({ method: 'DELETE', path: '/bkt?cors' }), ok: 204 }),
    PutBucketLifecycleConfiguration: inNamespace({ seed: bucketOnly, request: () => ({ method: 'PUT', path: '/bkt?lifecycle', body: lifecycleBody, headers: { 'content-md5': md5b64(lifecycleBody) } }), ok: 200 }),
    GetBucketLifecycleConfiguration: inNamespace({ seed: withLifecycle, request: () => ({ method: 'GET', path: '/bkt?lifecycle' }), ok: 200 }),
    DeleteBucketLifecycleConfiguration: inNamespace({ seed: withLifecycle, request: () => ({ method: 'DELETE', path: '/bkt?lifecycle' }), ok: 204 }),
    // A write its rules expire: X-Delete-At, asked of the bucket's versioning first.
    'PutObject (lifecycle)': inNamespace({ seed: withLifecycle, request: () => ({ method: 'PUT', path: '/bkt/tmp/k', body: 'expiring' }), ok: 200 }),
    PutBucketOwnershipControls: inNamespace({ seed: bucketOnly, request: () => ({ method: 'PUT', path: '/bkt?ownershipControls', body: ownershipBody }), ok: 200 }),
  },
  multipart: {
    CreateMultipartUpload: { seed: bucketOnly, request: () => ({ method: 'POST', path: '/bkt/k?uploads' }), ok: 200 },
    UploadPart: { seed: withUpload, request: (v) => ({ method: 'PUT', path: `/bkt/k?partNumber=2&uploadId=${v.id}`, body: 'part two' }), ok: 200 },
    ListParts: { seed: withUpload, request: (v) => ({ method: 'GET', path: `/bkt/k?uploadId=${v.id}` }), ok: 200 },
    ListMultipartUploads: { seed: withUpload, request: () => ({ method: 'GET', path: '/bkt?uploads' }), ok: 200 },
    AbortMultipartUpload: { seed: withUpload, request: (v) => ({ method: 'DELETE', path: `/bkt/k?uploadId=${v.id}` }), ok: 204 },
    'CreateMultipartUpload (tags in a record)': { seed: bucketOnly, request: () => ({ method: 'POST', path: '/bkt/k?uploads', headers: { 'x-amz-tagging': largeTags } }), ok: 200 },
    'CreateMultipartUpload (object lock)': { seed: lockedBucket, request: () => ({ method: 'POST', path: '/bkt/k?uploads', headers: { 'x-amz-object-lock-legal-hold': 'ON' } }), ok: 200 },
    'CompleteMultipartUpload (object lock)': {
      seed: withLockedUpload,
      request: (v) => ({ method: 'POST', path: `/bkt/k?uploadId=${v.id}`, body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${v.etag}</ETag></Part></CompleteMultipartUpload>` }),
      ok: 200,
    },
    'UploadPart (CRC32C upload, part checksum computed by the gateway)': { seed: withChecksumUpload, request: (v) => ({ method: 'PUT', path: `/bkt/k?partNumber=2&uploadId=${v.id}`, body: 'part two' }), ok: 200 },
    'UploadPartCopy (CRC32C upload: the copied part read back for its checksum)': {
      seed: async (rig) => ({ ...(await withChecksumUpload(rig)), ...(await rig.s3('PUT', '/bkt/src', { body: 'copied part' }), {}) }),
      request: (v) => ({ method: 'PUT', path: `/bkt/k?partNumber=2&uploadId=${v.id}`, headers: { 'x-amz-copy-source': '/bkt/src' } }),
      ok: 200,
    },
    'ListParts (CRC32C upload)': { seed: withChecksumUpload, request: (v) => ({ method: 'GET', path: `/bkt/k?uploadId=${v.id}` }), ok: 200 },
    'CompleteMultipartUpload (CRC32C: part checksums and the object checksum header)': {
      seed: withChecksumUpload,
      request: (v) => ({
        method: 'POST', path: `/bkt/k?uploadId=${v.id}`,
        headers: { 'x-amz-checksum-crc32c': `${checksumOf('crc32c', Buffer.from(crc32cOf('part one'), 'base64'))}-1` },
        body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${v.etag}</ETag><ChecksumCRC32C>${crc32cOf('part one')}</ChecksumCRC32C></Part></CompleteMultipartUpload>`,
      }),
      ok: 200,
    },
    CompleteMultipartUpload: {
      seed: withUpload,
      request: (v) => ({ method: 'POST', path: `/bkt/k?uploadId=${v.id}`, body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${v.etag}</ETag></Part></CompleteMultipartUpload>` }),
      ok: 200,
    },
    'CreateMultipartUpload (a class on another policy)': { seed: bucketOnly, request: () => ({ method: 'POST', path: '/bkt/k?uploads', headers: { 'x-amz-storage-class': 'STANDARD_IA' } }), ok: 200, classes: true },
    'UploadPart (of an upload of another class: into its companion)': { seed: withClassUpload, request: (v) => ({ method: 'PUT', path: `/bkt/k?partNumber=2&uploadId=${v.id}`, body: 'part two' }), ok: 200, classes: true },
    'ListParts (of an upload of another class)': { seed: withClassUpload, request: (v) => ({ method: 'GET', path: `/bkt/k?uploadId=${v.id}` }), ok: 200, classes: true },
    'AbortMultipartUpload (of an upload of another class)': { seed: withClassUpload, request: (v) => ({ method: 'DELETE', path: `/bkt/k?uploadId=${v.id}` }), ok: 204, classes: true },
    'CompleteMultipartUpload (of an upload of another class)': {
      seed: withClassUpload,
      request: (v) => ({ method: 'POST', path: `/bkt/k?uploadId=${v.id}`, body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${v.etag}</ETag></Part></CompleteMultipartUpload>` }),
      ok: 200, classes: true,
    },
  },
};

/** What a call is, for a rule and for the table's row names. */
const describeCall = (c: RecordedCall) => `${c.method} ${c.container ?? ''}${c.object === undefined ? '' : `/${c.object}`}${Object.keys(c.query).filter((q) => q !== 'format').map((q) => `?${q}`).join('')}`;

/** A call's path as a pattern for another rig: its own account, and the upload id the seed made there. */
function pathPattern(call: RecordedCall, uploadId: string | undefined): RegExp {
  let source = call.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/^\/v1\/[^/]+/, '/v1/[^/]+');
  if (uploadId) source = source.split(encodeURIComponent(uploadId)).join('[^/]+');
  // An upload id the request itself makes (CreateMultipartUpload) differs from rig to rig too.
  source = source.replace(/\/[A-Za-z0-9]{40,}(?=\/|$)/g, '/[^/]+');
  return new RegExp(`^${source}$`);
}

async function answer(scenario: Scenario, fault?: { call: RecordedCall; uploadId?: string; skip: number; with: Fault }): Promise<{ status: number; code?: string; calls: RecordedCall[]; faulted: boolean; v: Record<string, string> }> {
  const rig = await gatewayRig({ namespace: scenario.namespace, ...(scenario.stagedFrom ? { limits: { stagedPutFrom: scenario.stagedFrom } } : {}), ...(scenario.classes ? { storageClasses: { STANDARD_IA: 'ec21' } } : {}) });
  try {
    const v = await scenario.seed(rig);
    rig.fake.clearCalls();
    if (fault) {
      const { call, skip } = fault;
      rig.fake.fail({
        match: { origin: 'swift', method: call.method, path: pathPattern(call, fault.uploadId) },
        skip,
        times: fault.with === 401 ? 'always' : 1,
        ...(fault.with === 'ECONNREFUSED' ? { connection: 'ECONNREFUSED' } : { status: fault.with }),
      });
    }
    const r = scenario.request(v);
    const res = await rig.s3(r.method, r.path, { body: r.body, headers: r.headers });
    const calls = rig.fake.callsTo('swift');
    return { status: res.status, code: xmlValue(res.text(), 'Code'), calls, faulted: calls.some((c) => c.fault !== undefined), v };
  } finally {
    await rig.close();
  }
}

/**
 * The S3 answer a Swift failure of one call must give, where every family
 * agrees. 404 and 409 mean what the call's target is: the family tables.
 */
function rule(fault: Fault): { status: number; code: string } | undefined {
  switch (fault) {
    case 401: return { status: 403, code: 'AccessDenied' }; // still refused after a fresh token
    case 412: return { status: 412, code: 'PreconditionFailed' };
    case 413: return { status: 400, code: 'EntityTooLarge' };
    case 416: return { status: 416, code: 'InvalidRange' };
    case 422: return { status: 400, code: 'BadDigest' };
    case 499: return { status: 400, code: 'RequestTimeout' };
    case 503: case 507: case 'ECONNREFUSED': return { status: 503, code: 'ServiceUnavailable' };
    default: return undefined;
  }
}

/** What a 404 of a call means: which S3 error, by what the call touched. */
function expected404(row: string, c: RecordedCall): string[] {
  const operation = row.split(' ')[0]!; // a row's name may say which variant it is
  // The parts' listing gone under a Complete: the parts it names are not there.
  // A bucket's tag record that is not there: it has no tags.
  if (c.container?.endsWith('+tags')) return ['NoSuchTagSet', 'NoSuchBucket', 'NoSuchKey'];
  // (Parts of an upload of another class are in a companion container, `<bucket>+<policy>`: operations/storage/.)
  const hidden = c.container?.endsWith('+segments') || c.container?.includes('+');
  if (operation.startsWith('CompleteMultipartUpload') && c.object === undefined && hidden) return ['InvalidPart'];
  if (hidden) return ['NoSuchUpload', 'NoSuchBucket', 'NoSuchKey'];
  if (c.object !== undefined) return ['NoSuchKey', 'NoSuchBucket', 'NoSuchUpload'];
  return ['NoSuchBucket'];
}

/** The bucket family's table reads a 409 as a bucket in use; an Abort's claim that lost to a racing DELETE is NoSuchUpload; else a racing write. */
const BUCKET_TABLE_OPS = new Set(['PutBucketTagging', 'GetBucketTagging', 'DeleteBucketTagging', 'CreateMultipartUpload (object lock)', 'CreateBucket (object lock)', 'GetObjectLockConfiguration', 'PutObjectLockConfiguration', 'PutBucketWebsite', 'DeleteBucketWebsite', 'PutBucketCors', 'DeleteBucketCors', 'PutBucketLifecycleConfiguration', 'GetBucketLifecycleConfiguration', 'DeleteBucketLifecycleConfiguration', 'PutBucketPolicy', 'GetBucketPolicy', 'DeleteBucketPolicy', 'GetBucketPolicyStatus', 'PutPublicAccessBlock', 'PutBucketOwnershipControls', 'HeadBucket', 'CreateBucket', 'DeleteBucket', 'GetBucketLocation', 'GetBucketVersioning', 'PutBucketVersioning', 'GetBucketAcl', 'PutBucketAcl', 'ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'DeleteObjects', 'DeleteObjectsWithSegments', 'ListMultipartUploads', 'CreateMultipartUpload']);
function expected409(row: string, c: RecordedCall): string {
  const operation = row.split(' ')[0]!;
  if (operation === 'AbortMultipartUpload' && c.method === 'DELETE') return 'NoSuchUpload';
  return BUCKET_TABLE_OPS.has(operation) ? 'BucketNotEmpty' : 'OperationAborted';
}

let open: GatewayRig | undefined;
afterEach(async () => open?.close());

for (const [familyName, family] of Object.entries(SCENARIOS)) {
  describe(`${familyName} operations on the fake Swift: one failing Swift call at a time`, () => {
    for (const [operation, scenario] of Object.entries(family)) {
      it(`${operation}: every Swift call it makes, failing with each of ${FAULTS.join(', ')} that Swift can answer it, gives its table's S3 error`, async () => {
        const happy = await answer(scenario);
        expect(happy.status, `${operation} without faults`).toBe(scenario.ok);
        expect(happy.calls.length).toBeGreaterThan(0);
        const rows: string[] = [];
        for (const [i, call] of happy.calls.entries()) {
          // (Each rig has its own project id, so a call is known by method and target, not path.)
          const skip = happy.calls.slice(0, i).filter((c) => c.method === call.method && c.container === call.container && c.object === call.object).length;
          for (const f of faultsFor(call)) {
            const got = await answer(scenario, { call, uploadId: happy.v.id, skip, with: f });
            // A HEAD's answer has no body: its status alone says the error.
            const isHead = scenario.request(happy.v).method === 'HEAD';
            if (isHead) got.code = f === 404 ? expected404(operation, call)[0] : f === 409 ? expected409(operation, call) : rule(f)?.code;
            const row = `${operation}: ${describeCall(call)} #${skip} → Swift ${f}: S3 ${got.status} ${got.code ?? ''}`;
            rows.push(row);
            // The failure reached the call it was meant for (a 401's retry with a fresh token may answer instead).
            // Or a call the happy run made only by chance of timing (a listing's last empty page) was not made.
            if (f !== 401 && !got.faulted) expect(got.status, row).toBe(scenario.ok);
            // Nothing Swift says makes the gateway crash or blame itself.
            expect(got.code, row).not.toBe('InternalError');
            // A body already streamed to Swift cannot be sent again with a fresh token: the client retries.
            // (Tag records are sent from memory, so they are re-sent with the fresh token: a 401 then stays one.)
            const streamed = call.bodyLength > 0 && call.method === 'PUT' && !('multipart-manifest' in call.query) && !call.container?.endsWith('+tags');
            const want = f === 401 && streamed ? { status: 503, code: 'ServiceUnavailable' } : rule(f);
            if (want) {
              // Unless the failing call was one the operation can do without (it then succeeds).
              if (got.status !== scenario.ok) expect({ status: got.status, code: got.code }, row).toEqual(want);
            } else if (f === 404 && got.status !== scenario.ok) {
              expect(expected404(operation, call), row).toContain(got.code);
            } else if (f === 409 && got.status !== scenario.ok) {
              expect(got.code, row).toBe(expected409(operation, call));
            }
          }
        }
        expect(rows.length).toBe(happy.calls.reduce((n, call) => n + faultsFor(call).length, 0));
        if (process.env.SHOW_ROWS) console.log(rows.join('\n'));
      }, 120_000);
    }
  });
}

describe('an overwrite of a multipart object whose manifest Swift cannot read', () => {
  it('answers 503 and changes nothing, where treating the failure as "no segments" orphaned them', async () => {
    const rig = await gatewayRig();
    try {
      const { id, etag } = await withUpload(rig);
      const done = await rig.s3('POST', `/bkt/k?uploadId=${id}`, { body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>` });
      expect(done.status).toBe(200);
      rig.fake.fail({ match: { origin: 'swift', method: 'GET', container: 'bkt', object: 'k', query: 'multipart-manifest' }, status: 503 });
      const put = await rig.s3('PUT', '/bkt/k', { body: 'plain now' });
      expect([put.status, xmlValue(put.text(), 'Code')]).toEqual([503, 'ServiceUnavailable']);
      expect(rig.fake.callsTo('swift').some((c) => c.fault !== undefined)).toBe(true);
      // The multipart object and its segment are still there and still read.
      const read = await rig.s3('GET', '/bkt/k');
      expect([read.status, read.text()]).toEqual([200, 'part one']);
    } finally {
      await rig.close();
    }
  });
});
