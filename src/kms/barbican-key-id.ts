// The Barbican secret a client's key id names. SSE-KMS clients send
// x-amz-server-side-encryption-aws-kms-key-id as a bare id or a full reference;
// for Barbican that is the secret's uuid, or its href as `openstack secret
// list` prints it (http://barbican:9311/v1/secrets/<uuid>), or an ARN-shaped id
// ending in key/<uuid> (tools that insist on ARNs). Only the uuid is taken: the
// secret is always fetched from the configured (or catalog's) Barbican, never
// from a host a client named, which would receive the gateway's token.
// https://docs.openstack.org/barbican/latest/api/reference/secrets.html
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const BARE = new RegExp(`^${UUID}$`);
const HREF = new RegExp(`^https?://[^/?#\\s]+(?:/[^?#\\s]*)?/v1/secrets/(${UUID})/?$`);
const ARN = new RegExp(`^arn:[^:\\s]+:kms:[^:\\s]*:[^:\\s]*:key/(${UUID})$`);

/** The secret's uuid (lower case), or undefined when the id names no Barbican secret. */
export function barbicanSecretId(keyId: string): string | undefined {
  const id = keyId.trim();
  if (BARE.test(id)) return id.toLowerCase();
  const match = HREF.exec(id) ?? ARN.exec(id);
  return match?.[1]?.toLowerCase();
}
