// The AccessControlPolicy document GetBucketAcl and GetObjectAcl answer with.
// Each Grantee carries its xsi:type (CanonicalUser or Group) with the xsi
// namespace declared on it, as S3 writes it and as boto3 and the SDKs read it
// (they take the grantee's Type from that attribute).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_Grantee.html
import type { XmlBody } from '../../s3/result.js';
import type { Acl, Grantee } from './model.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** A display name for a canonical id (a project's name), if the caller knows one. */
export type DisplayNameOf = (id: string) => string | undefined;

function granteeDoc(grantee: Grantee, acl: Acl, displayNameOf?: DisplayNameOf): Record<string, unknown> {
  const head = { '@_xmlns:xsi': XSI, '@_xsi:type': grantee.type };
  if (grantee.type === 'Group') return { ...head, URI: grantee.uri };
  const name = grantee.displayName ?? (grantee.id === acl.owner.id ? acl.owner.displayName : displayNameOf?.(grantee.id));
  return { ...head, ID: grantee.id, ...(name === undefined ? {} : { DisplayName: name }) };
}

/**
 * The document for an ACL: Owner (ID, DisplayName), then every grant in
 * order. A canonical-user grantee shows a DisplayName when the grant has one,
 * when it is the owner, or when displayNameOf knows the id; otherwise none
 * (DisplayName is optional in S3's schema). An ACL with no grants shows an
 * empty AccessControlList, as S3 does.
 */
export function aclDocument(acl: Acl, displayNameOf?: DisplayNameOf): XmlBody {
  return {
    root: 'AccessControlPolicy',
    doc: {
      Owner: { ID: acl.owner.id, DisplayName: acl.owner.displayName },
      AccessControlList: acl.grants.length === 0
        ? {}
        : { Grant: acl.grants.map((g) => ({ Grantee: granteeDoc(g.grantee, acl, displayNameOf), Permission: g.permission })) },
    },
  };
}
