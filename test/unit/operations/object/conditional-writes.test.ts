// Conditional writes on the fake Swift: the per-key election (key-claim.ts)
// in one process, its claims where they live, a dead holder's claim, and a
// key held by a live one.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { signV2, stringToSignV2, xmlValue } from '../../../helpers/raw-s3.js';
import { gatewayRig, type GatewayRig } from '../fake-rig.js';

let rig: GatewayRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const CLAIM = (id: string) => `k/.claim.${id}/0`;
const ID = '123e4567-e89b-12d3-a456-426614174000';

describe('conditional writes on the fake Swift', () => {
  it('eight PutObject If-None-Match: * at once: exactly one writes, the rest are 412 or 409, and no claim is left', async () => {
    rig = await gatewayRig();
    await rig.s3('PUT', '/bkt');
    for (let round = 0; round < 5; round++) {
      const key = `race-${round}`;
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => rig!.s3('PUT', `/bkt/${key}`, { body: `w${i}`, headers: { 'if-none-match': '*' } })));
      const wins = answers.filter((a) => a.status === 200);
      expect(wins, answers.map((a) => a.status).join(',')).toHaveLength(1);
      for (const a of answers) if (a.status !== 200) expect(['PreconditionFailed', 'ConditionalRequestConflict']).toContain(xmlValue(a.text(), 'Code'));
    }
    const left = rig.fake.store.container(rig.user.account, 'bkt+segments')!.objects.names().filter((n) => n.includes('.claim.'));
    expect(left).toEqual([]);
  }, 60_000);

  it("ignores and removes a claim its holder stopped refreshing more than a minute ago (a gateway that died)", async () => {
    rig = await gatewayRig();
    await rig.s3('PUT', '/bkt');
    rig.fake.putContainer(rig.user.account, 'bkt+segments');
    rig.fake.putObject(rig.user.account, 'bkt+segments', CLAIM(ID), '', {}, { timestamp: Date.now() - 120_000 });
    const put = await rig.s3('PUT', '/bkt/k', { body: 'v', headers: { 'if-none-match': '*' } });
    expect(put.status).toBe(200);
    expect(rig.fake.store.container(rig.user.account, 'bkt+segments')!.objects.get(CLAIM(ID))).toBeUndefined();
  });

  it('waits for a live claim and then answers 409 ConditionalRequestConflict, writing nothing', async () => {
    rig = await gatewayRig();
    await rig.s3('PUT', '/bkt');
    rig.fake.putContainer(rig.user.account, 'bkt+segments');
    rig.fake.putObject(rig.user.account, 'bkt+segments', CLAIM(ID), '');
    const put = await rig.s3('PUT', '/bkt/k', { body: 'v', headers: { 'if-none-match': '*' } });
    expect([put.status, xmlValue(put.text(), 'Code')]).toEqual([409, 'ConditionalRequestConflict']);
    expect((await rig.s3('GET', '/bkt/k')).status).toBe(404);
    // A plain write does not wait for claims.
    expect((await rig.s3('PUT', '/bkt/k', { body: 'plain' })).status).toBe(200);
  }, 20_000);

  it('a claim is never taken for an upload: ListMultipartUploads does not show it', async () => {
    rig = await gatewayRig();
    await rig.s3('PUT', '/bkt');
    rig.fake.putContainer(rig.user.account, 'bkt+segments');
    rig.fake.putObject(rig.user.account, 'bkt+segments', CLAIM(ID), '');
    const list = await rig.s3('GET', '/bkt?uploads');
    expect(list.text()).not.toContain('<Upload>');
  });

  it('a holder writing for longer than the heartbeat keeps its claim fresh, and a second conditional writer meanwhile gets 409', async () => {
    rig = await gatewayRig();
    await rig.s3('PUT', '/bkt');
    const url = new URL(rig.url);
    const headers: Record<string, string> = { date: new Date().toUTCString(), 'content-length': '4', 'if-none-match': '*' };
    headers['authorization'] = `AWS ${rig.keys.access}:${signV2(rig.keys.secret, stringToSignV2('PUT', '/bkt/slow', headers))}`;
    let send = () => {};
    const started = Date.now();
    const done = new Promise<number>((resolve, reject) => {
      const r = request({ host: url.hostname, port: url.port, method: 'PUT', path: '/bkt/slow', headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      r.on('error', reject);
      r.write('ab');
      send = () => r.end('cd');
    });
    const claims = () => rig!.fake.store.container(rig!.user.account, 'bkt+segments')?.objects.names().filter((n) => n.startsWith('slow/.claim.')) ?? [];
    const stamp = () => rig!.fake.store.container(rig!.user.account, 'bkt+segments')!.objects.get(claims()[0]!)!.timestamp;
    await new Promise((r) => setTimeout(r, 500));
    expect(claims()).toHaveLength(1);
    const first = stamp();
    const other = await rig.s3('PUT', '/bkt/slow', { body: 'other', headers: { 'if-none-match': '*' } });
    expect([other.status, xmlValue(other.text(), 'Code')]).toEqual([409, 'ConditionalRequestConflict']);
    // Past one heartbeat (10 s): the claim was written again.
    await new Promise((r) => setTimeout(r, Math.max(0, 11_000 - (Date.now() - started))));
    expect(stamp()).not.toBe(first);
    send();
    expect(await done).toBe(200);
    expect(claims()).toEqual([]);
    expect((await rig.s3('GET', '/bkt/slow')).text()).toBe('abcd');
  }, 30_000);
});
