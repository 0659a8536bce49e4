// The body of a POST /v3/ec2tokens that asks Keystone for a token of an EC2
// key's own user, scoped to the key's project. The gateway holds the key's
// secret (read from Keystone), so it signs a request of its own with it, in
// the EC2 query-signature version 2 form Keystone checks
// (keystoneclient.contrib.ec2.utils.Ec2Signer._calc_signature_2):
//   POST\n<host>\n<path>\n<canonical query of the params, SignatureMethod included>
// https://docs.openstack.org/api-ref/identity/v3-ext/#os-ec2-api
import { createHmac } from 'node:crypto';

/** Python's urllib.parse.quote(value, safe='-_~') (and safe='' for names: the same set here). */
export function pythonQuote(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Ec2Signer._canonical_qs: names sorted by code point, `name=value` joined by `&`. */
export function canonicalEc2Query(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => `${pythonQuote(name)}=${pythonQuote(params[name]!)}`)
    .join('&');
}

export interface Ec2TokenRequestInput {
  readonly access: string;
  readonly secret: string;
  /** Signing time; Keystone refuses one older than [credential] auth_ttl (15 min). */
  readonly now: Date;
}

/** What the request names as its host and path: any values, since only the signature over them counts. */
const HOST = 's3-swift-gateway';
const PATH = '/';

export function ec2TokenRequestBody(input: Ec2TokenRequestInput): string {
  const params: Record<string, string> = {
    AWSAccessKeyId: input.access,
    SignatureMethod: 'HmacSHA256',
    SignatureVersion: '2',
    // Keystone parses it with oslo's parse_isotime.
    Timestamp: input.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  const toSign = `POST\n${HOST}\n${PATH}\n${canonicalEc2Query(params)}`;
  const signature = createHmac('sha256', input.secret).update(toSign, 'utf8').digest('base64');
  return JSON.stringify({ credentials: { access: input.access, signature, host: HOST, verb: 'POST', path: PATH, params } });
}
