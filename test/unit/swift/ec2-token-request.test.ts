// The signed body of POST /v3/ec2tokens. The vector was computed with the
// reference signer Keystone itself uses (python3-keystoneclient's
// keystoneclient.contrib.ec2.utils.Ec2Signer, signature version 2); the real
// Keystone accepting it is tested in test/integration/keystone-ec2.test.ts.
import { describe, expect, it } from 'vitest';
import { canonicalEc2Query, ec2TokenRequestBody, pythonQuote } from '../../../src/swift/ec2-token-request.js';

const ACCESS = 'AKIDEXAMPLE~1 (x)*!';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

describe('ec2TokenRequestBody', () => {
  it('signs as Keystone\'s Ec2Signer does (version 2, HmacSHA256)', () => {
    const body = JSON.parse(ec2TokenRequestBody({ access: ACCESS, secret: SECRET, now: new Date('2026-12-01T12:00:00.000Z') }));
    expect(body.credentials).toEqual({
      access: ACCESS,
      signature: 'XlnfjX9PrMXoL0HmLOH+fD6nwMdTZaFyz6p8MU3W0vU=',
      host: 's3-swift-gateway',
      verb: 'POST',
      path: '/',
      params: { AWSAccessKeyId: ACCESS, SignatureMethod: 'HmacSHA256', SignatureVersion: '2', Timestamp: '2026-12-01T12:00:00Z' },
    });
  });

  it('builds the canonical query Python\'s quote(safe="-_~") builds', () => {
    expect(canonicalEc2Query({ SignatureVersion: '2', AWSAccessKeyId: ACCESS, SignatureMethod: 'HmacSHA256', Timestamp: '2026-12-01T12:00:00Z' }))
      .toBe('AWSAccessKeyId=AKIDEXAMPLE~1%20%28x%29%2A%21&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2026-12-01T12%3A00%3A00Z');
    expect(pythonQuote("a-_.~!*'()/+= é")).toBe('a-_.~%21%2A%27%28%29%2F%2B%3D%20%C3%A9');
  });
});
