// The bucket-policy engine, as the rest of the gateway uses it: parse and
// validate a document once (PutBucketPolicy, or a stored policy read back),
// then evaluate it per request; pure, no Swift, no HTTP.
//
//   const policy = parseBucketPolicy(body, bucket);        // throws MalformedPolicy
//   if (blockPublicPolicy && policy.isPublic) -> AccessDenied
//   store policy.text; GetBucketPolicy returns it; GetBucketPolicyStatus: policy.isPublic
//
//   const actions = policyActionsFor(operation, req.query, req.headers);
//   const decision = evaluatePolicy(policy, {
//     requester, actions, resource: resourceArn(bucket, key),
//     context: buildRequestContext({ requester, sourceIp, secureTransport, now, headers, query, auth }),
//   }, restrictPublicBuckets ? { restrictPublicBuckets: { ownerProjectId } } : {});
//   'Deny' -> AccessDenied whoever asks; 'Allow' -> allowed; 'Default' -> ownership and ACLs decide.
export { parseBucketPolicy, namedPrincipals, MAX_POLICY_BYTES, type BucketPolicy, type Statement, type PolicyVersion } from './document.js';
export { malformed as malformedPolicy, REASONS as MALFORMED_POLICY_REASONS } from './malformed.js';
export { evaluatePolicy, type Decision, type EvaluateOptions, type RequestFacts } from './evaluate.js';
export { type Requester } from './principal.js';
export { policyActionsFor, KNOWN_S3_ACTIONS, type RequestHeaders } from './actions.js';
export { isPublicPolicy } from './public.js';
export { conditionKeyName } from './condition-keys.js';
export { type RequestContext } from './condition-eval.js';
export { buildRequestContext, resourceArn, type ContextInput } from './context.js';
