// The bucket-policy engine, as the rest of the gateway uses it: parse and
// validate a document once (PutBucketPolicy, or a stored policy read back),
// then evaluate it per request; pure, no Swift, no HTTP.
export { parseBucketPolicy, namedPrincipals, MAX_POLICY_BYTES, type BucketPolicy, type Statement, type PolicyVersion } from './document.js';
export { malformed as malformedPolicy, REASONS as MALFORMED_POLICY_REASONS } from './malformed.js';
export { evaluatePolicy, type Decision, type EvaluateOptions, type RequestFacts } from './evaluate.js';
export { type Requester } from './principal.js';
export { policyActionsFor, KNOWN_S3_ACTIONS, type RequestHeaders } from './actions.js';
export { isPublicPolicy } from './public.js';
export { conditionKeyName } from './condition-keys.js';
export { type RequestContext } from './condition-eval.js';
export { buildRequestContext, resourceArn, type ContextInput } from './context.js';
