// The AccessControlPolicy document: what GetBucketAcl/GetObjectAcl answer, and what the SDKs read from it.
import { Readable } from 'node:stream';
import { GetObjectAclCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ALL_USERS, LOG_DELIVERY, aclDocument, aclFromPolicyBody, cannedAcl, grant, group, user, type Acl } from '../../../../src/access/acl/index.js';
import { ownerOnlyPolicy } from '../../../../src/s3/results.js';
import { toXml } from '../../../../src/s3/xml.js';
import { OTHER, OWNER, THIRD, key } from './helpers.js';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const render = (acl: Acl, names?: (id: string) => string | undefined) => {
  const body = aclDocument(acl, names);
  return toXml(body.root, body.doc, NS);
};

/** What the AWS SDK for JavaScript v3 makes of a GetObjectAcl answer. */
async function sdkRead(xml: string) {
  const client = new S3Client({
    region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestHandler: { handle: async () => ({ response: { statusCode: 200, headers: { 'content-type': 'application/xml' }, body: Readable.from([Buffer.from(xml)]) } }) } as never,
  });
  return client.send(new GetObjectAclCommand({ Bucket: 'b', Key: 'k' }));
}

const mixed: Acl = {
  owner: OWNER,
  grants: [
    grant(user(OWNER.id), 'FULL_CONTROL'),
    grant(user(OTHER.id), 'READ'),
    grant(group(ALL_USERS), 'READ'),
    grant(group(LOG_DELIVERY), 'WRITE'),
    grant(user(THIRD), 'WRITE_ACP'),
  ],
};

describe('aclDocument', () => {
  it("is today's owner-only document for the private ACL", () => {
    expect(aclDocument(cannedAcl('private', OWNER, 'bucket'))).toEqual(ownerOnlyPolicy(OWNER));
  });

  it('writes xsi:type and the xsi namespace on every Grantee, and URI for groups', () => {
    const xml = render(mixed);
    expect(xml).toContain(`<AccessControlPolicy xmlns="${NS}"><Owner><ID>${OWNER.id}</ID><DisplayName>${OWNER.displayName}</DisplayName></Owner>`);
    expect(xml).toContain(`<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>${ALL_USERS}</URI></Grantee><Permission>READ</Permission>`);
    expect(xml).toContain(`<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>${OTHER.id}</ID></Grantee><Permission>READ</Permission>`);
    expect(xml.match(/<Grant>/g)).toHaveLength(5);
  });

  it('names canonical grantees from the grant, the owner, or the lookup given', () => {
    const xml = render(mixed, (id) => (id === THIRD ? 'third-project' : undefined));
    expect(xml).toContain(`<ID>${OWNER.id}</ID><DisplayName>${OWNER.displayName}</DisplayName></Grantee>`);
    expect(xml).toContain(`<ID>${THIRD}</ID><DisplayName>third-project</DisplayName></Grantee>`);
    expect(xml).toContain(`<ID>${OTHER.id}</ID></Grantee>`);
  });

  it('writes an empty AccessControlList for an ACL without grants', () => {
    expect(render({ owner: OWNER, grants: [] })).toContain('<AccessControlList></AccessControlList>');
  });

  it('is read by the AWS SDK with each grantee typed from xsi:type', async () => {
    const out = await sdkRead(render(mixed));
    expect(out.Owner).toEqual({ ID: OWNER.id, DisplayName: OWNER.displayName });
    expect(out.Grants).toEqual([
      { Grantee: { Type: 'CanonicalUser', ID: OWNER.id, DisplayName: OWNER.displayName }, Permission: 'FULL_CONTROL' },
      { Grantee: { Type: 'CanonicalUser', ID: OTHER.id }, Permission: 'READ' },
      { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' },
      { Grantee: { Type: 'Group', URI: LOG_DELIVERY }, Permission: 'WRITE' },
      { Grantee: { Type: 'CanonicalUser', ID: THIRD }, Permission: 'WRITE_ACP' },
    ]);
  });

  it('is accepted back as a PutObjectAcl body, giving the same ACL (the get-modify-put round trip)', async () => {
    const again = await aclFromPolicyBody(render(mixed), OWNER, 'object');
    expect(again.grants.map(key)).toEqual(mixed.grants.map(key));
  });
});
