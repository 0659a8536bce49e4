// The CORS model: what PutBucketCors accepts, which rule a request matches, and the headers of the answer.
import { describe, expect, it } from 'vitest';
import { corsHeaders, matchCorsRule, parseCorsConfiguration, requestedHeaders, type CorsRule } from '../../../src/s3/cors.js';

const codeOf = async (p: Promise<unknown>) => p.then(() => undefined, (e: { code?: string }) => e.code);
const doc = (rules: string) => `<CORSConfiguration>${rules}</CORSConfiguration>`;

describe('parseCorsConfiguration', () => {
  it('reads every element of a rule, lists and single values alike', async () => {
    const rules = await parseCorsConfiguration(doc('<CORSRule><ID>r1</ID><AllowedOrigin>https://a.test</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod>'
      + '<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>60</MaxAgeSeconds></CORSRule><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>HEAD</AllowedMethod></CORSRule>'));
    expect(rules).toEqual([
      { id: 'r1', allowedOrigins: ['https://a.test'], allowedMethods: ['GET', 'PUT'], allowedHeaders: ['*'], exposeHeaders: ['ETag'], maxAgeSeconds: 60 },
      { allowedOrigins: ['*'], allowedMethods: ['HEAD'], allowedHeaders: [], exposeHeaders: [] },
    ]);
  });

  it.each([
    ['no rule', doc(''), 'MalformedXML'],
    ['a rule without an origin', doc('<CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule>'), 'MalformedXML'],
    ['a rule without a method', doc('<CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule>'), 'MalformedXML'],
    ['an unknown element', doc('<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><Colour>red</Colour></CORSRule>'), 'MalformedXML'],
    ['a method S3 does not allow', doc('<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>OPTIONS</AllowedMethod></CORSRule>'), 'InvalidRequest'],
    ['two wildcards in an origin', doc('<CORSRule><AllowedOrigin>*.*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>'), 'InvalidRequest'],
    ['a negative max age', doc('<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>-1</MaxAgeSeconds></CORSRule>'), 'MalformedXML'],
    ['an ID over 255 characters', doc(`<CORSRule><ID>${'i'.repeat(256)}</ID><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>`), 'InvalidArgument'],
    ['101 rules', doc('<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>'.repeat(101)), 'MalformedXML'],
    ['not XML', 'nope', 'MalformedXML'],
  ])('refuses %s', async (_what, body, code) => {
    expect(await codeOf(parseCorsConfiguration(body))).toBe(code);
  });
});

describe('matching and headers', () => {
  const rules: CorsRule[] = [
    { allowedOrigins: ['https://app.test'], allowedMethods: ['GET', 'PUT'], allowedHeaders: ['content-type', 'x-amz-*'], exposeHeaders: ['ETag'], maxAgeSeconds: 10 },
    { allowedOrigins: ['https://*.example.org'], allowedMethods: ['GET'], allowedHeaders: [], exposeHeaders: [] },
    { allowedOrigins: ['*'], allowedMethods: ['HEAD'], allowedHeaders: ['*'], exposeHeaders: [] },
  ];
  it.each([
    ['https://app.test', 'PUT', 'Content-Type, X-Amz-Date', 0],
    ['https://app.test', 'PUT', 'authorization', undefined],
    ['https://app.test', 'DELETE', '', undefined],
    ['https://eu.example.org', 'GET', '', 1],
    ['https://example.org', 'GET', '', undefined],
    ['HTTPS://APP.TEST', 'GET', '', undefined],
    ['https://anything.test', 'HEAD', 'x-anything', 2],
  ])('%s %s [%s] → rule %s (origins exact, headers case-insensitive, one wildcard)', (origin, method, headers, index) => {
    const rule = matchCorsRule(rules, { origin, method, headers: requestedHeaders(headers) });
    expect(rule === undefined ? undefined : rules.indexOf(rule)).toBe(index);
  });

  it('answers the origin and credentials for a named origin, * without credentials for any origin', () => {
    const named = corsHeaders(rules[0]!, { origin: 'https://app.test', method: 'PUT', headers: ['content-type'] }, true);
    expect(named).toEqual({
      'access-control-allow-origin': 'https://app.test', 'access-control-allow-methods': 'GET, PUT', 'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'content-type', 'access-control-expose-headers': 'ETag', 'access-control-max-age': '10',
      vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    });
    const any = corsHeaders(rules[2]!, { origin: 'https://x.test', method: 'HEAD', headers: [] }, false);
    expect(any['access-control-allow-origin']).toBe('*');
    expect(any['access-control-allow-credentials']).toBeUndefined();
  });
});
