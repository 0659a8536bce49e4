// CORS on the wire: a preflight (OPTIONS, unsigned, answered before any
// authentication from the bucket's rules in the registry) and the
// Access-Control-* headers of actual requests whose Origin a rule allows
// (signed, presigned and anonymous alike). The rules are S3's (s3/cors.ts).
import type { ServerResponse } from 'node:http';
import type { Namespace } from '../namespace/index.js';
import type { BucketRecord } from '../namespace/record.js';
import { corsHeaders, matchCorsRule, requestedHeaders } from '../s3/cors.js';
import { s3Error } from '../s3/errors.js';
import type { S3Request } from '../s3/request.js';
import type { S3Result } from '../s3/result.js';

const METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);

/** The answer to an OPTIONS request: 200 with the rule's headers, or S3's error. */
export async function preflight(req: S3Request, ns: Namespace | undefined): Promise<S3Result> {
  const origin = req.headers['origin'];
  const method = req.headers['access-control-request-method'];
  if (req.bucket === undefined) throw s3Error('BadRequest', {}, 'A CORS preflight (OPTIONS) is of a bucket or an object.');
  if (origin === undefined) throw s3Error('BadRequest', {}, 'Insufficient information. Origin request header needed.');
  if (method === undefined || !METHODS.has(method)) throw s3Error('BadRequest', {}, `Invalid Access-Control-Request-Method: ${method ?? 'null'}`);
  const resourceType = req.key === undefined ? 'BUCKET' : 'OBJECT';
  const record = ns && (await ns.registry.lookup(req.bucket));
  const rules = record?.settings.cors;
  if (!rules?.length) throw s3Error('AccessForbidden', { Method: method, ResourceType: resourceType }, 'CORSResponse: CORS is not enabled for this bucket.');
  const request = { origin, method, headers: requestedHeaders(req.headers['access-control-request-headers']) };
  const rule = matchCorsRule(rules, request);
  if (!rule) throw s3Error('AccessForbidden', { Method: method, ResourceType: resourceType });
  return { status: 200, headers: { ...corsHeaders(rule, request, true), 'content-length': '0' } };
}

/** The Access-Control-* headers of an actual request from a browser, set on the response before anything is written. */
export function addCorsHeaders(outgoing: ServerResponse, req: S3Request, record: BucketRecord | undefined): void {
  const origin = req.headers['origin'];
  const rules = record?.settings.cors;
  if (origin === undefined || !rules?.length) return;
  const request = { origin, method: req.method, headers: [] };
  const rule = matchCorsRule(rules, request);
  if (!rule) return;
  for (const [name, value] of Object.entries(corsHeaders(rule, request, false))) outgoing.setHeader(name, value);
}
