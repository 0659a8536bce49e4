// Staged single PUTs against the fake Swift: the Swift calls they make and
// what is left when the manifest cannot be written (nothing).
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayRig, type GatewayRig } from '../fake-rig.js';

let rig: GatewayRig | undefined;
afterEach(async () => { await rig?.close(); rig = undefined; });

const segmentsOf = (r: GatewayRig) => [...(r.fake.container(r.user.account, 'bkt+segments')?.objects.items.keys() ?? [])];

describe('a staged PutObject', () => {
  it('streams the body into one segment, then writes a one-segment manifest at the key', async () => {
    rig = await gatewayRig({ limits: { stagedPutFrom: 4 } });
    await rig.s3('PUT', '/bkt');
    rig.fake.clearCalls();
    const put = await rig.s3('PUT', '/bkt/k', { body: 'staged body' });
    expect(put.status).toBe(200);
    const writes = rig.fake.callsTo('swift').filter((c) => c.method === 'PUT').map((c) => `${c.path.replace(/^\/v1\/[^/]+/, '')}${c.query['multipart-manifest'] ? '?manifest' : ''}`);
    expect(writes).toEqual(['/bkt%2Bsegments', expect.stringMatching(/^\/bkt%2Bsegments\/k\/[A-Za-z0-9_-]{48}\/1$/), '/bkt/k?manifest']);
    expect(segmentsOf(rig)).toHaveLength(1);
    expect((await rig.s3('GET', '/bkt/k')).text()).toBe('staged body');
  });

  it('takes its segment away again when the manifest PUT fails, and answers the failure', async () => {
    rig = await gatewayRig({ limits: { stagedPutFrom: 4 } });
    await rig.s3('PUT', '/bkt');
    rig.fake.fail({ match: { origin: 'swift', method: 'PUT', path: /\/bkt\/k$/ }, status: 503 });
    const put = await rig.s3('PUT', '/bkt/k', { body: 'staged body' });
    expect(put.status).toBe(503);
    expect(segmentsOf(rig)).toEqual([]);
    expect(rig.fake.object(rig.user.account, 'bkt', 'k')).toBeUndefined();
  });

  it('is not used below the threshold, nor for an empty body', async () => {
    rig = await gatewayRig({ limits: { stagedPutFrom: 4 } });
    await rig.s3('PUT', '/bkt');
    await rig.s3('PUT', '/bkt/small', { body: 'abc' });
    await rig.s3('PUT', '/bkt/empty', { body: '' });
    expect(rig.fake.container(rig.user.account, 'bkt+segments')).toBeUndefined();
  });
});
