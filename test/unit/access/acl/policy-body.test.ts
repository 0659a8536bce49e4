// ACLs from AccessControlPolicy bodies, in the shapes real clients send.
import { Readable } from 'node:stream';
import { PutBucketAclCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY, aclFromPolicyBody, aclFromPutAclRequest } from '../../../../src/access/acl/index.js';
import { OTHER, OWNER, THIRD, asyncErrorOf, key } from './helpers.js';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const userGrant = (id: string, permission: string, name = '') =>
  `<Grant><Grantee ${XSI} xsi:type="CanonicalUser"><ID>${id}</ID>${name && `<DisplayName>${name}</DisplayName>`}</Grantee><Permission>${permission}</Permission></Grant>`;
const groupGrant = (uri: string, permission: string) =>
  `<Grant><Grantee ${XSI} xsi:type="Group"><URI>${uri}</URI></Grantee><Permission>${permission}</Permission></Grant>`;
const policy = (grants: string, owner = `<Owner><ID>${OWNER.id}</ID></Owner>`) =>
  `<AccessControlPolicy xmlns="${NS}">${owner}<AccessControlList>${grants}</AccessControlList></AccessControlPolicy>`;

/** The body the AWS SDK for JavaScript v3 sends for PutBucketAcl, captured without a network. */
async function sdkBody(input: ConstructorParameters<typeof PutBucketAclCommand>[0]): Promise<string> {
  let body: unknown;
  const client = new S3Client({
    region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestHandler: { handle: async (req: { body: unknown }) => { body = req.body; return { response: { statusCode: 200, headers: {}, body: Readable.from([]) } }; } } as never,
  });
  await client.send(new PutBucketAclCommand(input));
  return String(body);
}

describe('aclFromPolicyBody', () => {
  it("reads boto3's and the aws CLI's body (botocore: Owner first, DisplayName after ID)", async () => {
    const body = `<AccessControlPolicy xmlns="${NS}"><Owner><ID>${OWNER.id}</ID><DisplayName>n</DisplayName></Owner><AccessControlList>`
      + userGrant(OWNER.id, 'FULL_CONTROL', 'n') + userGrant(OTHER.id, 'READ', 'd') + groupGrant(ALL_USERS, 'WRITE')
      + '</AccessControlList></AccessControlPolicy>';
    const acl = await aclFromPolicyBody(Buffer.from(body), OWNER, 'bucket');
    expect(acl.owner).toEqual(OWNER);
    expect(acl.grants.map(key)).toEqual([`FULL_CONTROL ${OWNER.id}`, `READ ${OTHER.id}`, `WRITE ${ALL_USERS}`]);
    // A DisplayName in a request is not taken: the name is S3's to say.
    expect(acl.grants[1]?.grantee).toEqual({ type: 'CanonicalUser', id: OTHER.id });
  });

  it("reads the AWS SDK for JavaScript's body (AccessControlList first, xsi:type before xmlns:xsi)", async () => {
    const body = await sdkBody({
      Bucket: 'b',
      AccessControlPolicy: {
        Owner: { ID: OWNER.id },
        Grants: [
          { Grantee: { Type: 'CanonicalUser', ID: THIRD }, Permission: 'WRITE_ACP' },
          { Grantee: { Type: 'Group', URI: AUTHENTICATED_USERS }, Permission: 'READ' },
          { Grantee: { Type: 'Group', URI: LOG_DELIVERY }, Permission: 'WRITE' },
        ],
      },
    });
    expect(body).toContain('<AccessControlList>');
    const acl = await aclFromPolicyBody(body, OWNER, 'object');
    expect(acl.grants.map(key)).toEqual([`WRITE_ACP ${THIRD}`, `READ ${AUTHENTICATED_USERS}`, `WRITE ${LOG_DELIVERY}`]);
  });

  it('reads an indented body with an XML declaration, white space around values, and a namespace prefix', async () => {
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<s3:AccessControlPolicy xmlns:s3="${NS}">
  <s3:Owner>
    <s3:ID> ${OWNER.id} </s3:ID>
  </s3:Owner>
  <s3:AccessControlList>
    <s3:Grant>
      <s3:Grantee ${XSI} xsi:type="Group">
        <s3:URI>
          ${ALL_USERS}
        </s3:URI>
      </s3:Grantee>
      <s3:Permission> READ </s3:Permission>
    </s3:Grant>
  </s3:AccessControlList>
</s3:AccessControlPolicy>
`;
    const acl = await aclFromPolicyBody(body, OWNER, 'bucket');
    expect(acl.grants.map(key)).toEqual([`READ ${ALL_USERS}`]);
  });

  it('accepts an empty AccessControlList (an ACL without grants)', async () => {
    expect((await aclFromPolicyBody(policy(''), OWNER, 'bucket')).grants).toEqual([]);
    expect((await aclFromPolicyBody(`<AccessControlPolicy><Owner><ID>${OWNER.id}</ID></Owner><AccessControlList/></AccessControlPolicy>`, OWNER, 'bucket')).grants).toEqual([]);
  });

  it('keeps duplicate grants, as S3 does', async () => {
    const acl = await aclFromPolicyBody(policy(groupGrant(LOG_DELIVERY, 'READ_ACP') + groupGrant(LOG_DELIVERY, 'READ_ACP')), OWNER, 'bucket');
    expect(acl.grants).toHaveLength(2);
  });

  const malformed: Record<string, string> = {
    'a body that is not XML': 'not xml at all',
    'unclosed XML': `<AccessControlPolicy><Owner><ID>${OWNER.id}</ID></Owner>`,
    'another root element': `<CreateBucketConfiguration><LocationConstraint>x</LocationConstraint></CreateBucketConfiguration>`,
    'no Owner (boto3 #180)': `<AccessControlPolicy xmlns="${NS}"><AccessControlList>${userGrant(OWNER.id, 'FULL_CONTROL')}</AccessControlList></AccessControlPolicy>`,
    'an Owner without ID': policy(userGrant(OWNER.id, 'FULL_CONTROL'), '<Owner><DisplayName>x</DisplayName></Owner>'),
    'no AccessControlList': `<AccessControlPolicy><Owner><ID>${OWNER.id}</ID></Owner></AccessControlPolicy>`,
    'a misspelt Permission (FULL_CONTROLL)': policy(userGrant(OWNER.id, 'FULL_CONTROLL')),
    'a lower-case Permission': policy(userGrant(OWNER.id, 'read')),
    'a Grant without Permission': policy(`<Grant><Grantee ${XSI} xsi:type="CanonicalUser"><ID>${OTHER.id}</ID></Grantee></Grant>`),
    'a Grant without Grantee': policy('<Grant><Permission>READ</Permission></Grant>'),
    'a Grantee with neither ID nor URI': policy(`<Grant><Grantee ${XSI} xsi:type="CanonicalUser"><DisplayName>x</DisplayName></Grantee><Permission>READ</Permission></Grant>`),
    'a Grantee with both ID and URI': policy(`<Grant><Grantee><ID>${OTHER.id}</ID><URI>${ALL_USERS}</URI></Grantee><Permission>READ</Permission></Grant>`),
    'a DOCTYPE': `<!DOCTYPE x [<!ENTITY e "y">]>${policy('')}`,
    '101 grants': policy(Array.from({ length: 101 }, () => groupGrant(ALL_USERS, 'READ')).join('')),
  };
  for (const [what, body] of Object.entries(malformed)) {
    it(`refuses ${what} with MalformedACLError`, async () => {
      const err = await asyncErrorOf(() => aclFromPolicyBody(body, OWNER, 'bucket'));
      expect(err.code).toBe('MalformedACLError');
      expect(err.status).toBe(400);
    });
  }

  it('accepts exactly 100 grants', async () => {
    const acl = await aclFromPolicyBody(policy(Array.from({ length: 100 }, () => groupGrant(ALL_USERS, 'READ')).join('')), OWNER, 'bucket');
    expect(acl.grants).toHaveLength(100);
  });

  it('refuses an Owner other than the resource owner with AccessDenied (an ACL cannot give a resource away)', async () => {
    const err = await asyncErrorOf(() => aclFromPolicyBody(policy(userGrant(OTHER.id, 'FULL_CONTROL'), `<Owner><ID>${OTHER.id}</ID></Owner>`), OWNER, 'object'));
    expect(err.code).toBe('AccessDenied');
    expect(err.status).toBe(403);
  });

  it('answers an e-mail grantee with UnresolvableGrantByEmailAddress', async () => {
    const body = policy(`<Grant><Grantee ${XSI} xsi:type="AmazonCustomerByEmail"><EmailAddress>a@b.c</EmailAddress></Grantee><Permission>READ</Permission></Grant>`);
    expect((await asyncErrorOf(() => aclFromPolicyBody(body, OWNER, 'bucket'))).code).toBe('UnresolvableGrantByEmailAddress');
  });

  it('answers an unknown group URI or an impossible id with InvalidArgument', async () => {
    const unknownGroup = policy(groupGrant('http://acs.amazonaws.com/groups/global/Friends', 'READ'));
    expect((await asyncErrorOf(() => aclFromPolicyBody(unknownGroup, OWNER, 'bucket'))).code).toBe('InvalidArgument');
    const badId = policy(userGrant('proj:*', 'READ'));
    const err = await asyncErrorOf(() => aclFromPolicyBody(badId, OWNER, 'bucket'));
    expect(err.code).toBe('InvalidArgument');
    expect(err.message).toBe('Invalid id');
  });
});

describe('aclFromPutAclRequest', () => {
  it('takes the ACL from headers when the body is empty', async () => {
    const acl = await aclFromPutAclRequest({ 'x-amz-acl': 'public-read' }, Buffer.alloc(0), OWNER, 'bucket');
    expect(acl.grants.map(key)).toEqual([`FULL_CONTROL ${OWNER.id}`, `READ ${ALL_USERS}`]);
  });

  it('takes the ACL from the body when there are no ACL headers', async () => {
    const acl = await aclFromPutAclRequest({}, policy(userGrant(OTHER.id, 'READ')), OWNER, 'object');
    expect(acl.grants.map(key)).toEqual([`READ ${OTHER.id}`]);
  });

  it('refuses headers and a body together with UnexpectedContent', async () => {
    for (const headers of [{ 'x-amz-acl': 'private' }, { 'x-amz-grant-read': `id="${OTHER.id}"` }]) {
      const err = await asyncErrorOf(() => aclFromPutAclRequest(headers, policy(''), OWNER, 'bucket'));
      expect(err.code).toBe('UnexpectedContent');
    }
  });

  it('refuses a request with neither with MissingSecurityHeader naming x-amz-acl', async () => {
    const err = await asyncErrorOf(() => aclFromPutAclRequest({}, ' \n', OWNER, 'bucket'));
    expect(err.code).toBe('MissingSecurityHeader');
    expect(err.details['MissingHeaderName']).toBe('x-amz-acl');
  });
});
