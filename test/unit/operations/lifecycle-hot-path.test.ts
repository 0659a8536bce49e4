// The cost of lifecycle on the request path, counted in Swift calls on the
// fake Swift: none for a bucket without rules, none for keys no rule can
// expire, and for an expiring write only the X-Delete-At on its one PUT (plus
// the bucket's versioning, read once and cached).
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../helpers/fake-swift/index.js';
import { gatewayRig, type GatewayRig } from './fake-rig.js';

const md5 = (s: string) => createHash('md5').update(s).digest('base64');
const rules = '<LifecycleConfiguration><Rule><ID>tmp</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>';
const shape = (calls: readonly RecordedCall[]) => calls.map((c) => `${c.method} ${c.container ?? ''}${c.object ? `/${c.object.replace(/^[^/]*/, '<key>')}` : ''}`);

let rig: GatewayRig | undefined;
afterEach(async () => rig?.close());

/** The Swift calls of a PUT and a GET of `key` in a bucket, with or without lifecycle rules. */
async function callsFor(withRules: boolean, key: string): Promise<{ put: string[]; get: string[]; headers: Record<string, string> }> {
  rig = await gatewayRig({ namespace: true });
  await rig.s3('PUT', '/bkt');
  if (withRules) expect((await rig.s3('PUT', '/bkt?lifecycle', { body: rules, headers: { 'content-md5': md5(rules) } })).status).toBe(200);
  // Warm what every request reads (registry entry, token), as a busy gateway has it.
  await rig.s3('PUT', '/bkt/warm', { body: 'w' });
  rig.fake.clearCalls();
  const put = await rig.s3('PUT', `/bkt/${key}`, { body: 'data' });
  const putCalls = shape(rig.fake.callsTo('swift'));
  rig.fake.clearCalls();
  await rig.s3('GET', `/bkt/${key}`);
  const getCalls = shape(rig.fake.callsTo('swift'));
  const headers = { ...put.headers };
  await rig.close();
  rig = undefined;
  return { put: putCalls, get: getCalls, headers };
}

describe('lifecycle on the hot path', () => {
  it('adds no Swift call to a write or read of a key no rule can expire, with or without rules on the bucket', async () => {
    const without = await callsFor(false, 'keep/a');
    const withRules = await callsFor(true, 'keep/a');
    expect(withRules.put).toEqual(without.put);
    expect(withRules.get).toEqual(without.get);
    expect(withRules.headers['x-amz-expiration']).toBeUndefined();
  });

  it('an expiring write makes no more calls than a plain one once the bucket\'s versioning is cached, and its read none', async () => {
    const plain = await callsFor(true, 'keep/a');
    const expiring = await callsFor(true, 'tmp/a');
    expect(expiring.headers['x-amz-expiration']).toContain('rule-id="tmp"');
    expect(expiring.get).toEqual(plain.get);
    // The same calls, but for at most one more HEAD of the bucket (its versioning, then cached).
    const extra = expiring.put.length - plain.put.length;
    expect(extra).toBeLessThanOrEqual(1);
    const rest = [...expiring.put];
    if (extra === 1) rest.splice(rest.indexOf('HEAD bkt'), 1);
    expect(rest).toEqual(plain.put);
  });

  it('answers NotImplemented in namespace.mode account, where there is no registry to keep rules in', async () => {
    rig = await gatewayRig();
    await rig.s3('PUT', '/bkt');
    const put = await rig.s3('PUT', '/bkt?lifecycle', { body: rules, headers: { 'content-md5': md5(rules) } });
    expect(put.status).toBe(501);
    expect(put.text()).toContain('global bucket namespace');
    expect((await rig.s3('GET', '/bkt?lifecycle')).status).toBe(501);
  });
});
