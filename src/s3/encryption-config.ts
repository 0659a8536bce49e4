// A bucket's default encryption as S3 has it: the
// ServerSideEncryptionConfiguration document of PutBucketEncryption (parsed
// and validated as S3 does) and the one GetBucketEncryption answers.
//   <ServerSideEncryptionConfiguration>
//     <Rule>
//       <ApplyServerSideEncryptionByDefault>
//         <SSEAlgorithm>AES256 | aws:kms | aws:kms:dsse</SSEAlgorithm>
//         <KMSMasterKeyID>key id (aws:kms only)</KMSMasterKeyID>
//       </ApplyServerSideEncryptionByDefault>
//       <BucketKeyEnabled>true | false</BucketKeyEnabled>
//     </Rule>
//   </ServerSideEncryptionConfiguration>
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html
import { s3Error } from './errors.js';
import type { XmlBody } from './result.js';
import { SSE_KMS_ALGORITHM, SSE_KMS_DSSE_ALGORITHM, SSE_S3_ALGORITHM, type ManagedEncryption } from './sse-managed.js';
import { parseXml } from './xml.js';

/** The longest KMSMasterKeyID kept: it is stored in one sealed Swift metadata value (256 bytes). */
export const MAX_KMS_KEY_ID_BYTES = 200;

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : undefined);
const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function fieldsOf(value: unknown, where: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw s3Error('MalformedXML', {}, `${where} must be an element with content.`);
  const fields = value as Record<string, unknown>;
  for (const name of Object.keys(fields)) {
    if (!allowed.includes(name)) throw s3Error('MalformedXML', {}, `Unknown element ${name} in ${where}.`);
  }
  return fields;
}

/** The default a PutBucketEncryption body sets; S3's errors for what it refuses. */
export async function parseEncryptionConfiguration(body: Buffer | string): Promise<ManagedEncryption> {
  let doc: Record<string, unknown>;
  try {
    doc = await parseXml(body, ['ServerSideEncryptionConfiguration.Rule']);
  } catch {
    throw s3Error('MalformedXML');
  }
  const config = fieldsOf(doc['ServerSideEncryptionConfiguration'], 'ServerSideEncryptionConfiguration', ['Rule']);
  const rules = list(config['Rule']);
  // S3 takes exactly one rule.
  if (rules.length !== 1) throw s3Error('MalformedXML', {}, `A ServerSideEncryptionConfiguration has exactly one Rule; this one has ${rules.length}.`);
  const rule = fieldsOf(rules[0], 'Rule', ['ApplyServerSideEncryptionByDefault', 'BucketKeyEnabled', 'BlockedEncryptionTypes']);
  if (rule['BlockedEncryptionTypes'] !== undefined) {
    throw s3Error('NotImplemented', {}, 'BlockedEncryptionTypes in a bucket encryption rule is not implemented by this gateway.');
  }
  const bucketKeyText = text(rule['BucketKeyEnabled'])?.toLowerCase();
  if (rule['BucketKeyEnabled'] !== undefined && bucketKeyText !== 'true' && bucketKeyText !== 'false') throw s3Error('MalformedXML', {}, 'BucketKeyEnabled must be true or false.');
  const byDefault = fieldsOf(rule['ApplyServerSideEncryptionByDefault'], 'ApplyServerSideEncryptionByDefault', ['SSEAlgorithm', 'KMSMasterKeyID']);
  const algorithm = text(byDefault['SSEAlgorithm']);
  const keyId = text(byDefault['KMSMasterKeyID']);
  if (algorithm === undefined) throw s3Error('MalformedXML', {}, 'ApplyServerSideEncryptionByDefault needs an SSEAlgorithm.');
  if (algorithm === SSE_KMS_DSSE_ALGORITHM) {
    throw s3Error('NotImplemented', {}, 'Dual-layer server-side encryption (aws:kms:dsse) is not implemented by this gateway; use AES256 or aws:kms.');
  }
  if (algorithm !== SSE_S3_ALGORITHM && algorithm !== SSE_KMS_ALGORITHM) throw s3Error('MalformedXML', {}, `SSEAlgorithm must be AES256 or aws:kms, not ${algorithm.slice(0, 64)}.`);
  if (algorithm === SSE_S3_ALGORITHM) {
    if (byDefault['KMSMasterKeyID'] !== undefined) {
      throw s3Error('InvalidArgument', { ArgumentName: 'ApplyServerSideEncryptionByDefault' }, 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse');
    }
    return { algorithm };
  }
  if (keyId === '') throw s3Error('InvalidArgument', { ArgumentName: 'KMSMasterKeyID' }, 'KMSMasterKeyID must not be empty.');
  if (keyId !== undefined && (Buffer.byteLength(keyId) > MAX_KMS_KEY_ID_BYTES || !/^[\x20-\x7e]+$/.test(keyId))) {
    throw s3Error('InvalidArgument', { ArgumentName: 'KMSMasterKeyID' }, `KMSMasterKeyID must be printable ASCII and at most ${MAX_KMS_KEY_ID_BYTES} bytes.`);
  }
  return { algorithm, ...(keyId !== undefined ? { keyId } : {}), ...(bucketKeyText === 'true' ? { bucketKeyEnabled: true } : {}) };
}

/** The ServerSideEncryptionConfiguration document GetBucketEncryption answers. */
export function encryptionConfigurationDocument(config: ManagedEncryption): XmlBody {
  const kms = config.algorithm === SSE_KMS_ALGORITHM ? config : undefined;
  return {
    root: 'ServerSideEncryptionConfiguration',
    doc: {
      Rule: {
        ApplyServerSideEncryptionByDefault: { SSEAlgorithm: config.algorithm, ...(kms?.keyId !== undefined ? { KMSMasterKeyID: kms.keyId } : {}) },
        BucketKeyEnabled: kms?.bucketKeyEnabled ? 'true' : 'false',
      },
    },
  };
}
