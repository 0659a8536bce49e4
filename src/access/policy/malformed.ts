// Every reason PutBucketPolicy refuses a document is a MalformedPolicy (400)
// whose message says which rule it broke, in S3's words where S3's are known.
import { s3Error, type S3Error } from '../../s3/errors.js';

export const REASONS = {
  firstByte: "Policies must be valid JSON and the first byte must be '{'",
  invalidJson: 'This policy contains invalid Json',
  // Well-formed JSON of the wrong shape: a Sid that is a number, a Statement entry that is a string.
  syntax: 'Invalid policy syntax.',
  tooLarge: 'Policy exceeds the maximum allowed document size.',
  version: 'The policy must contain a valid version string',
  missingStatement: 'Missing required field Statement',
  emptyStatement: 'Could not parse the policy: Statement is empty!',
  principal: 'Invalid principal in policy',
  notPrincipalAllow: 'NotPrincipal must be used with "Effect":"Deny"',
  action: 'Policy has invalid action',
  resource: 'Policy has invalid resource',
  actionResource: 'Action does not apply to any resource(s) in statement',
  conditionKey: 'Policy has an invalid condition key',
  conditionActions: 'Conditions do not apply to combination of actions and resources in statement',
  ip: 'Invalid IP address in Conditions',
} as const;

export function malformed(reason: string): S3Error {
  return s3Error('MalformedPolicy', {}, reason);
}
