// SSE-S3/SSE-KMS request headers and the bucket encryption document, as S3
// reads them (s3/sse-managed.ts, s3/encryption-config.ts), and the stored
// form of a bucket default (operations/encryption/bucket-default.ts).
import { describe, expect, it } from 'vitest';
import { decodeBucketEncryption, encodeBucketEncryption } from '../../../src/operations/encryption/bucket-default.js';
import { encryptionConfigurationDocument, parseEncryptionConfiguration } from '../../../src/s3/encryption-config.js';
import { encryptionContextText, managedResponseHeaders, parseManagedEncryption } from '../../../src/s3/sse-managed.js';
import { toXml } from '../../../src/s3/xml.js';
import { s3ErrorCode } from '../../helpers/s3-error.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');

describe('parseManagedEncryption', () => {
  it('reads AES256, and aws:kms with its key id, context and bucket-key flag', () => {
    expect(parseManagedEncryption({})).toBeUndefined();
    expect(parseManagedEncryption({ 'x-amz-server-side-encryption': 'AES256' })).toEqual({ algorithm: 'AES256' });
    expect(parseManagedEncryption({
      'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': ' k1 ',
      'x-amz-server-side-encryption-context': b64({ a: '1' }), 'x-amz-server-side-encryption-bucket-key-enabled': 'TRUE',
    })).toEqual({ algorithm: 'aws:kms', keyId: 'k1', context: { a: '1' }, bucketKeyEnabled: true });
  });

  it('answers S3\'s errors', async () => {
    const code = (h: Record<string, string>) => s3ErrorCode(() => parseManagedEncryption(h));
    expect(await code({ 'x-amz-server-side-encryption': 'aes256' })).toBe('400 InvalidArgument');
    expect(await code({ 'x-amz-server-side-encryption-aws-kms-key-id': 'k' })).toBe('400 InvalidArgument');
    expect(await code({ 'x-amz-server-side-encryption': 'AES256', 'x-amz-server-side-encryption-context': b64({}) })).toBe('400 InvalidArgument');
    expect(await code({ 'x-amz-server-side-encryption': 'aws:kms:dsse' })).toBe('501 NotImplemented');
    expect(await code({ 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': '' })).toBe('400 InvalidArgument');
    for (const ctx of ['%%%', b64([1]), b64({ a: 1 }), b64({ 'aws:s3:arn': 'x' }), b64({ big: 'x'.repeat(200) }), Buffer.from('{').toString('base64')]) {
      expect(await code({ 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-context': ctx }), ctx).toBe('400 InvalidArgument');
    }
  });

  it('answers the headers S3 sends: the context only on PUT, the bucket-key flag only when set', () => {
    expect(managedResponseHeaders({ algorithm: 'AES256', keyId: 'ignored' })).toEqual({ 'x-amz-server-side-encryption': 'AES256' });
    const kms = { algorithm: 'aws:kms' as const, keyId: 'k', context: { b: '2', a: '1' }, bucketKeyEnabled: true };
    expect(managedResponseHeaders(kms)).toEqual({ 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': 'k', 'x-amz-server-side-encryption-bucket-key-enabled': 'true' });
    expect(managedResponseHeaders(kms, true)['x-amz-server-side-encryption-context']).toBe(encryptionContextText({ a: '1', b: '2' }));
    // Sorted keys: one context, one stored form, whatever the client's order.
    expect(encryptionContextText({ b: '2', a: '1' })).toBe(b64({ a: '1', b: '2' }));
  });
});

describe('the bucket encryption document', () => {
  const doc = (rule: string) => `<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rule}</ServerSideEncryptionConfiguration>`;
  const byDefault = (inner: string, extra = '') => doc(`<Rule><ApplyServerSideEncryptionByDefault>${inner}</ApplyServerSideEncryptionByDefault>${extra}</Rule>`);

  it('reads AES256 and aws:kms (key id, BucketKeyEnabled), and writes back what it read', async () => {
    expect(await parseEncryptionConfiguration(byDefault('<SSEAlgorithm>AES256</SSEAlgorithm>'))).toEqual({ algorithm: 'AES256' });
    const kms = await parseEncryptionConfiguration(byDefault('<SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>arn:aws:kms:r:1:key/x</KMSMasterKeyID>', '<BucketKeyEnabled>true</BucketKeyEnabled>'));
    expect(kms).toEqual({ algorithm: 'aws:kms', keyId: 'arn:aws:kms:r:1:key/x', bucketKeyEnabled: true });
    const { root, doc: body } = encryptionConfigurationDocument(kms);
    expect(await parseEncryptionConfiguration(toXml(root, body))).toEqual(kms);
  });

  it('answers S3\'s errors', async () => {
    const code = (body: string) => s3ErrorCode(() => parseEncryptionConfiguration(body));
    expect(await code('<not xml')).toBe('400 MalformedXML');
    expect(await code(doc(''))).toBe('400 MalformedXML');
    expect(await code(doc('<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>'.repeat(2)))).toBe('400 MalformedXML');
    expect(await code(byDefault('<SSEAlgorithm>DES</SSEAlgorithm>'))).toBe('400 MalformedXML');
    expect(await code(byDefault('<SSEAlgorithm>AES256</SSEAlgorithm><Extra/>'))).toBe('400 MalformedXML');
    expect(await code(byDefault('<SSEAlgorithm>AES256</SSEAlgorithm><KMSMasterKeyID>k</KMSMasterKeyID>'))).toBe('400 InvalidArgument');
    expect(await code(byDefault('<SSEAlgorithm>aws:kms:dsse</SSEAlgorithm>'))).toBe('501 NotImplemented');
    expect(await code(byDefault(`<SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>${'k'.repeat(201)}</KMSMasterKeyID>`))).toBe('400 InvalidArgument');
    expect(await code(byDefault('<SSEAlgorithm>AES256</SSEAlgorithm>', '<BucketKeyEnabled>yes</BucketKeyEnabled>'))).toBe('400 MalformedXML');
  });
});

describe('the stored bucket default', () => {
  it('round-trips, and anything else (a failed seal: null) does not read as "no default"', () => {
    for (const c of [{ algorithm: 'AES256' as const }, { algorithm: 'aws:kms' as const }, { algorithm: 'aws:kms' as const, keyId: 'a;b:c/d', bucketKeyEnabled: true }]) {
      expect(decodeBucketEncryption(encodeBucketEncryption(c))).toEqual(c);
    }
    expect(decodeBucketEncryption(undefined)).toBeUndefined();
    expect(decodeBucketEncryption(null)).toBeNull();
    expect(decodeBucketEncryption('aws:kms;2;x')).toBeNull();
    expect(decodeBucketEncryption('AES128')).toBeNull();
  });
});
