// Static website hosting as S3 has it: the WebsiteConfiguration document
// (parsed and validated as S3 does) and what the website endpoint does with a
// request: redirect everything, apply a routing rule, or serve a key (the
// index document for `/` and `prefix/`).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketWebsite.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-to-page-redirect.html
import { s3Error } from './errors.js';
import type { XmlBody } from './result.js';
import { parseXml } from './xml.js';

export interface WebsiteRedirect {
  readonly hostName?: string;
  readonly protocol?: 'http' | 'https';
  readonly replaceKeyPrefixWith?: string;
  readonly replaceKeyWith?: string;
  readonly httpRedirectCode?: number;
}

export interface RoutingRule {
  readonly condition?: { readonly keyPrefixEquals?: string; readonly httpErrorCodeReturnedEquals?: number };
  readonly redirect: WebsiteRedirect;
}

export interface WebsiteConfiguration {
  readonly redirectAllRequestsTo?: { readonly hostName: string; readonly protocol?: 'http' | 'https' };
  readonly indexSuffix?: string;
  readonly errorKey?: string;
  readonly routingRules: readonly RoutingRule[];
}

export const MAX_ROUTING_RULES = 50;

type Doc = Record<string, unknown>;
const obj = (v: unknown): Doc | undefined => (typeof v === 'object' && v !== null ? (v as Doc) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : undefined);

function protocolOf(v: unknown): 'http' | 'https' | undefined {
  const p = str(v);
  if (p === undefined) return undefined;
  if (p !== 'http' && p !== 'https') throw s3Error('InvalidRequest', {}, `Invalid protocol, protocol can be http or https. Found: ${p}`);
  return p;
}

function redirectOf(raw: unknown): WebsiteRedirect {
  const r = obj(raw);
  if (!r) throw s3Error('MalformedXML', {}, 'A RoutingRule needs a Redirect.');
  const replaceKeyWith = str(r['ReplaceKeyWith']);
  const replaceKeyPrefixWith = str(r['ReplaceKeyPrefixWith']);
  if (replaceKeyWith !== undefined && replaceKeyPrefixWith !== undefined) {
    throw s3Error('MalformedXML', {}, 'You can only define ReplaceKeyPrefix or ReplaceKey but not both.');
  }
  const code = str(r['HttpRedirectCode']);
  const httpRedirectCode = code === undefined ? undefined : Number(code);
  if (httpRedirectCode !== undefined && !(Number.isInteger(httpRedirectCode) && httpRedirectCode >= 300 && httpRedirectCode <= 399)) {
    throw s3Error('InvalidRequest', {}, `The provided HTTP redirect code (${code}) is not valid. Valid codes are 3XX except 300.`);
  }
  return { hostName: str(r['HostName']), protocol: protocolOf(r['Protocol']), replaceKeyPrefixWith, replaceKeyWith, httpRedirectCode };
}

/** A PutBucketWebsite body; S3's errors for what it refuses. */
export async function parseWebsiteConfiguration(body: Buffer | string): Promise<WebsiteConfiguration> {
  let doc: Doc;
  try {
    doc = await parseXml(body, ['WebsiteConfiguration.RoutingRules.RoutingRule']);
  } catch {
    throw s3Error('MalformedXML');
  }
  const c = obj(doc['WebsiteConfiguration']);
  if (!c) throw s3Error('MalformedXML');
  const all = obj(c['RedirectAllRequestsTo']);
  if (all) {
    if (c['IndexDocument'] !== undefined || c['ErrorDocument'] !== undefined || c['RoutingRules'] !== undefined) {
      throw s3Error('InvalidArgument', {}, 'RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.');
    }
    const hostName = str(all['HostName']);
    if (!hostName) throw s3Error('MalformedXML', {}, 'RedirectAllRequestsTo needs a HostName.');
    return { redirectAllRequestsTo: { hostName, protocol: protocolOf(all['Protocol']) }, routingRules: [] };
  }
  const suffix = str(obj(c['IndexDocument'])?.['Suffix']);
  if (suffix === undefined) throw s3Error('InvalidArgument', {}, 'A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty');
  if (suffix === '' || suffix.includes('/')) throw s3Error('InvalidArgument', {}, 'The IndexDocument Suffix is not well formed');
  const errorKey = c['ErrorDocument'] === undefined ? undefined : str(obj(c['ErrorDocument'])?.['Key']);
  if (c['ErrorDocument'] !== undefined && !errorKey) throw s3Error('InvalidArgument', {}, 'The ErrorDocument Key is not well formed');
  const rawRules = obj(c['RoutingRules'])?.['RoutingRule'];
  const list = rawRules === undefined ? [] : Array.isArray(rawRules) ? rawRules : [rawRules];
  if (list.length > MAX_ROUTING_RULES) throw s3Error('InvalidRequest', {}, `A website configuration has at most ${MAX_ROUTING_RULES} routing rules.`);
  const routingRules = list.map((raw): RoutingRule => {
    const r = obj(raw);
    if (!r) throw s3Error('MalformedXML');
    const cond = obj(r['Condition']);
    const errorCode = str(cond?.['HttpErrorCodeReturnedEquals']);
    if (errorCode !== undefined && !/^[45]\d\d$/.test(errorCode)) throw s3Error('InvalidRequest', {}, `The provided HTTP error code (${errorCode}) is not valid. Valid codes are 4XX or 5XX.`);
    const condition = cond ? { keyPrefixEquals: str(cond['KeyPrefixEquals']), httpErrorCodeReturnedEquals: errorCode === undefined ? undefined : Number(errorCode) } : undefined;
    return { ...(condition ? { condition } : {}), redirect: redirectOf(r['Redirect']) };
  });
  return { indexSuffix: suffix, ...(errorKey ? { errorKey } : {}), routingRules };
}

/** The WebsiteConfiguration document GetBucketWebsite answers. */
export function websiteDocument(c: WebsiteConfiguration): XmlBody {
  if (c.redirectAllRequestsTo) {
    const r = c.redirectAllRequestsTo;
    return { root: 'WebsiteConfiguration', doc: { RedirectAllRequestsTo: { HostName: r.hostName, ...(r.protocol ? { Protocol: r.protocol } : {}) } } };
  }
  const redirect = (r: WebsiteRedirect) => ({
    ...(r.hostName ? { HostName: r.hostName } : {}), ...(r.protocol ? { Protocol: r.protocol } : {}),
    ...(r.replaceKeyPrefixWith !== undefined ? { ReplaceKeyPrefixWith: r.replaceKeyPrefixWith } : {}),
    ...(r.replaceKeyWith !== undefined ? { ReplaceKeyWith: r.replaceKeyWith } : {}),
    ...(r.httpRedirectCode !== undefined ? { HttpRedirectCode: String(r.httpRedirectCode) } : {}),
  });
  return {
    root: 'WebsiteConfiguration',
    doc: {
      IndexDocument: { Suffix: c.indexSuffix },
      ...(c.errorKey ? { ErrorDocument: { Key: c.errorKey } } : {}),
      ...(c.routingRules.length ? {
        RoutingRules: {
          RoutingRule: c.routingRules.map((r) => ({
            ...(r.condition ? { Condition: {
              ...(r.condition.keyPrefixEquals !== undefined ? { KeyPrefixEquals: r.condition.keyPrefixEquals } : {}),
              ...(r.condition.httpErrorCodeReturnedEquals !== undefined ? { HttpErrorCodeReturnedEquals: String(r.condition.httpErrorCodeReturnedEquals) } : {}),
            } } : {}),
            Redirect: redirect(r.redirect),
          })),
        },
      } : {}),
    },
  };
}

/** Where a redirect sends a request for `key` (host: the website host the request came to). */
export function redirectLocation(r: WebsiteRedirect, key: string, matchedPrefix: string, host: string): string {
  const newKey = r.replaceKeyWith !== undefined ? r.replaceKeyWith : r.replaceKeyPrefixWith !== undefined ? r.replaceKeyPrefixWith + key.slice(matchedPrefix.length) : key;
  return `${r.protocol ?? 'http'}://${r.hostName ?? host}/${newKey.split('/').map(encodeURIComponent).join('/')}`;
}

/** The first routing rule for a key before it is fetched (prefix only) or after an error (its code). */
export function matchRoutingRule(rules: readonly RoutingRule[], key: string, errorCode?: number): RoutingRule | undefined {
  return rules.find((r) => {
    const c = r.condition;
    if (!c) return errorCode === undefined;
    if (c.keyPrefixEquals !== undefined && !key.startsWith(c.keyPrefixEquals)) return false;
    if (c.httpErrorCodeReturnedEquals !== undefined) return c.httpErrorCodeReturnedEquals === errorCode;
    return errorCode === undefined;
  });
}
