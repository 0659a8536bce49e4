// The website model: what PutBucketWebsite accepts, and where routing rules send a request.
import { describe, expect, it } from 'vitest';
import { matchRoutingRule, parseWebsiteConfiguration, redirectLocation, websiteDocument } from '../../../src/s3/website.js';

const codeOf = async (p: Promise<unknown>) => p.then(() => undefined, (e: { code?: string }) => e.code);

describe('parseWebsiteConfiguration', () => {
  it('reads index, error and rules, and writes the same document back', async () => {
    const c = await parseWebsiteConfiguration('<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><ErrorDocument><Key>e.html</Key></ErrorDocument>'
      + '<RoutingRules><RoutingRule><Condition><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition><Redirect><ReplaceKeyWith>404.html</ReplaceKeyWith></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>');
    expect(c).toEqual({ indexSuffix: 'index.html', errorKey: 'e.html', routingRules: [{ condition: { keyPrefixEquals: undefined, httpErrorCodeReturnedEquals: 404 }, redirect: { hostName: undefined, protocol: undefined, replaceKeyPrefixWith: undefined, replaceKeyWith: '404.html', httpRedirectCode: undefined } }] });
    expect(websiteDocument(c).doc).toEqual({ IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'e.html' }, RoutingRules: { RoutingRule: [{ Condition: { HttpErrorCodeReturnedEquals: '404' }, Redirect: { ReplaceKeyWith: '404.html' } }] } });
  });

  it.each([
    ['an empty configuration', '<WebsiteConfiguration></WebsiteConfiguration>', 'MalformedXML'],
    ['no index and no redirect-all', '<WebsiteConfiguration><ErrorDocument><Key>e.html</Key></ErrorDocument></WebsiteConfiguration>', 'InvalidArgument'],
    ['an index suffix with a slash', '<WebsiteConfiguration><IndexDocument><Suffix>a/b</Suffix></IndexDocument></WebsiteConfiguration>', 'InvalidArgument'],
    ['an empty error key', '<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument><ErrorDocument><Key></Key></ErrorDocument></WebsiteConfiguration>', 'InvalidArgument'],
    ['a redirect code outside 3XX', '<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument><RoutingRules><RoutingRule><Redirect><HttpRedirectCode>200</HttpRedirectCode></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>', 'InvalidRequest'],
    ['an error code outside 4XX/5XX', '<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument><RoutingRules><RoutingRule><Condition><HttpErrorCodeReturnedEquals>302</HttpErrorCodeReturnedEquals></Condition><Redirect><HostName>h</HostName></Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>', 'InvalidRequest'],
    ['a rule without a redirect', '<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument><RoutingRules><RoutingRule><Condition><KeyPrefixEquals>a</KeyPrefixEquals></Condition></RoutingRule></RoutingRules></WebsiteConfiguration>', 'MalformedXML'],
    ['51 rules', `<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument><RoutingRules>${'<RoutingRule><Redirect><HostName>h</HostName></Redirect></RoutingRule>'.repeat(51)}</RoutingRules></WebsiteConfiguration>`, 'InvalidRequest'],
  ])('refuses %s', async (_what, body, code) => {
    expect(await codeOf(parseWebsiteConfiguration(body))).toBe(code);
  });
});

describe('routing', () => {
  const rules = [
    { condition: { keyPrefixEquals: 'docs/' }, redirect: { replaceKeyPrefixWith: 'documents/' } },
    { condition: { httpErrorCodeReturnedEquals: 404 }, redirect: { hostName: 'h.test', replaceKeyWith: 'missing.html' } },
  ];
  it('matches prefix rules before a fetch and error rules after one', () => {
    expect(matchRoutingRule(rules, 'docs/a.html')).toBe(rules[0]);
    expect(matchRoutingRule(rules, 'other.html')).toBeUndefined();
    expect(matchRoutingRule(rules, 'other.html', 404)).toBe(rules[1]);
    expect(matchRoutingRule(rules, 'other.html', 403)).toBeUndefined();
  });
  it('builds the location from the rule: prefix replaced, key replaced, host and protocol defaults', () => {
    expect(redirectLocation(rules[0]!.redirect, 'docs/a b.html', 'docs/', 'site.test')).toBe('http://site.test/documents/a%20b.html');
    expect(redirectLocation(rules[1]!.redirect, 'x', '', 'site.test')).toBe('http://h.test/missing.html');
  });
});
