// Request bodies of the operations that take one: a valid document per
// sub-resource (from AWS's API reference examples), then mutations of it
// (elements dropped, duplicated, reordered, values of the wrong type, huge
// numbers, entities, deep nesting, empty, truncated), as a mutation fuzzer does.
import fc from 'fast-check';

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const OWNER = '<Owner><ID>owner</ID><DisplayName>owner</DisplayName></Owner>';

/** A valid document for a request, by what it is (the sub-resource, or delete/complete). */
export function validDocument(kind: string, keys: readonly string[]): string {
  const k = keys[0] ?? 'obj';
  switch (kind) {
    case 'delete': return `<Delete ${NS}><Quiet>false</Quiet>${keys.map((key) => `<Object><Key>${key}</Key></Object>`).join('')}<Object><Key>${k}</Key><VersionId>null</VersionId></Object></Delete>`;
    case 'complete': return `<CompleteMultipartUpload ${NS}><Part><PartNumber>1</PartNumber><ETag>"d41d8cd98f00b204e9800998ecf8427e"</ETag></Part><Part><PartNumber>2</PartNumber><ETag>"0cc175b9c0f1b6a831c399e269772661"</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part></CompleteMultipartUpload>`;
    case 'acl': return `<AccessControlPolicy ${NS}>${OWNER}<AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>owner</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`;
    case 'versioning': return `<VersioningConfiguration ${NS}><Status>Enabled</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>`;
    case 'tagging': return `<Tagging ${NS}><TagSet><Tag><Key>env</Key><Value>fuzz</Value></Tag><Tag><Key>team</Key><Value>s3</Value></Tag></TagSet></Tagging>`;
    case 'lifecycle': return `<LifecycleConfiguration ${NS}><Rule><ID>r1</ID><Filter><And><Prefix>logs/</Prefix><Tag><Key>a</Key><Value>b</Value></Tag></And></Filter><Status>Enabled</Status><Expiration><Days>30</Days></Expiration><NoncurrentVersionExpiration><NoncurrentDays>7</NoncurrentDays></NoncurrentVersionExpiration><AbortIncompleteMultipartUpload><DaysAfterInitiation>3</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule><Rule><ID>r2</ID><Prefix>tmp/</Prefix><Status>Disabled</Status><Transition><Days>10</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule></LifecycleConfiguration>`;
    case 'cors': return `<CORSConfiguration ${NS}><CORSRule><ID>c</ID><AllowedOrigin>http://www.example.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds><ExposeHeader>x-amz-server-side-encryption</ExposeHeader></CORSRule></CORSConfiguration>`;
    case 'website': return `<WebsiteConfiguration ${NS}><IndexDocument><Suffix>index.html</Suffix></IndexDocument><ErrorDocument><Key>error.html</Key></ErrorDocument><RoutingRules><RoutingRule><Condition><KeyPrefixEquals>docs/</KeyPrefixEquals><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition><Redirect><ReplaceKeyPrefixWith>documents/</ReplaceKeyPrefixWith><HttpRedirectCode>301</HttpRedirectCode></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>`;
    case 'object-lock': return `<ObjectLockConfiguration ${NS}><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>`;
    case 'retention': return `<Retention ${NS}><Mode>GOVERNANCE</Mode><RetainUntilDate>${new Date(Date.now() + 60_000).toISOString()}</RetainUntilDate></Retention>`;
    case 'legal-hold': return `<LegalHold ${NS}><Status>OFF</Status></LegalHold>`;
    case 'policy': return JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 's', Effect: 'Allow', Principal: { AWS: ['*'] }, Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::bucket/*'], Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }],
    });
    case 'ownershipControls': return `<OwnershipControls ${NS}><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>`;
    default: return `<Configuration ${NS}><Value>x</Value></Configuration>`;
  }
}

const WRONG_VALUES = ['', '-1', '0', '99999999999999999999999999', '1e309', 'NaN', 'true', '<x/>', '&amp;', '&#0;', '&#xFFFF;', 'é', '\u{1F600}', 'x'.repeat(2000), ' ', '2026-13-45T99:99:99Z'];

function elementRanges(doc: string): [number, number][] {
  // Leaf elements `<A>text</A>`: the units the mutations work on.
  return [...doc.matchAll(/<([A-Za-z]+)(?: [^>]*)?>[^<]*<\/\1>/g)].map((m) => [m.index, m.index + m[0].length]);
}

type Mutation = (doc: string, pick: (n: number) => number) => string;

const MUTATIONS: readonly Mutation[] = [
  (d, pick) => { const r = elementRanges(d); if (!r.length) return d; const [a, b] = r[pick(r.length)]!; return d.slice(0, a) + d.slice(b); },
  (d, pick) => { const r = elementRanges(d); if (!r.length) return d; const [a, b] = r[pick(r.length)]!; return d.slice(0, b) + d.slice(a, b).repeat(1 + pick(3)) + d.slice(b); },
  (d, pick) => { const r = elementRanges(d); if (r.length < 2) return d; const [a, b] = r[pick(r.length)]!; const piece = d.slice(a, b); const rest = d.slice(0, a) + d.slice(b); const at = rest.indexOf('>') + 1; return rest.slice(0, at) + piece + rest.slice(at); },
  (d, pick) => d.replace(/>([^<]+)</g, (m, _t, off: number) => (pick(3) === 0 || off < 0 ? `>${WRONG_VALUES[pick(WRONG_VALUES.length)]}<` : m)),
  (d, pick) => d.slice(0, pick(d.length + 1)),
  () => '',
  (d) => `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>${d.replace(/>([^<]+)</, '>&c;<')}`,
  (d) => `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${d.replace(/>([^<]+)</, '>&x;<')}`,
  (d, pick) => { const depth = [10, 100, 2000][pick(3)]!; const at = d.indexOf('>') + 1; return d.slice(0, at) + '<N>'.repeat(depth) + '</N>'.repeat(depth) + d.slice(at); },
  (d) => d.replace(/<\/[A-Za-z]+>$/, ''),
  (d) => d.replace(/xmlns="[^"]*"/, 'xmlns="urn:wrong"'),
  (d) => `<?xml version="1.0" encoding="UTF-16"?>${d}`,
  (d) => d.replace(/<([A-Za-z]+)/, '<$1 attr="\u0000"'),
  (d, pick) => d.replace(/>([^<]+)</, `>${'9'.repeat(1 + pick(400))}<`),
  () => '{"not": "xml"}',
  () => 'null',
  (d) => d.replace(/^<[A-Za-z]+/, '<Wrong'),
  (d) => `${d}${d}`,
];

/** A body for `kind`: valid, or mutated 1–3 times; `pick(n)` draws 0..n-1 from the case's randomness. */
export const documentArb = (kind: string, keys: readonly string[]): fc.Arbitrary<string> =>
  fc.tuple(fc.integer({ min: 0, max: 9 }), fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 12, maxLength: 12 })).map(([mode, draws]) => {
    const doc = validDocument(kind, keys);
    if (mode < 3) return doc;
    let i = 0;
    const pick = (n: number) => (n <= 0 ? 0 : draws[i++ % draws.length]! % n);
    let out = doc;
    for (let m = 0; m < 1 + (mode % 3); m++) out = MUTATIONS[pick(MUTATIONS.length)]!(out, pick);
    return out;
  });
