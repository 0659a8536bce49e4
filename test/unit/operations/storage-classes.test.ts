// Storage classes: the header check, the class → policy mapping and its
// resolution against /info, the setting, and the sealed class that listing
// rows and HEADs carry.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { toPage } from '../../../src/operations/listing/list-objects.js';
import { resolveStorageClasses } from '../../../src/operations/storage/policies.js';
import { isCompanionName, companionsOf } from '../../../src/operations/storage/companion.js';
import { STANDARD_ONLY, requestedStorageClass, storageClassHeader, storageClassesOf } from '../../../src/s3/storage-class.js';
import { policiesFromInfo } from '../../../src/swift/info.js';
import { Sealer, plainContentType } from '../../../src/swift/sealed-state.js';
import { xmlValue } from '../../helpers/raw-s3.js';
import { gatewayRig, type GatewayRig } from './fake-rig.js';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
};

const POLICIES = policiesFromInfo({ swift: { policies: [{ name: 'Policy-0', aliases: 'Policy-0', default: true }, { name: 'ec21', aliases: 'ec21, cold' }] } });

describe('x-amz-storage-class against the classes offered', () => {
  const classes = resolveStorageClasses({ STANDARD_IA: 'ec21', GLACIER_IR: 'cold' }, POLICIES);

  it('takes an offered class, and none at all', () => {
    expect(requestedStorageClass(undefined, classes)).toBeUndefined();
    expect(requestedStorageClass('STANDARD_IA', classes)).toBe('STANDARD_IA');
    expect(requestedStorageClass(' GLACIER_IR ', classes)).toBe('GLACIER_IR');
    expect(requestedStorageClass('STANDARD', classes)).toBe('STANDARD');
  });

  it('refuses a class S3 has but that is not mapped, one S3 does not know, and the wrong case: InvalidStorageClass', () => {
    for (const c of ['GLACIER', 'ONEZONE_IA', 'standard_ia', 'FANCY', '']) expect(codeOf(() => requestedStorageClass(c, classes)), c).toBe('InvalidStorageClass');
  });

  it('offers only STANDARD without s3.storageClasses', () => {
    expect(requestedStorageClass('STANDARD', STANDARD_ONLY)).toBe('STANDARD');
    expect(codeOf(() => requestedStorageClass('STANDARD_IA', STANDARD_ONLY))).toBe('InvalidStorageClass');
    expect(STANDARD_ONLY.tiered).toBe(false);
  });

  it('answers x-amz-storage-class for every class but STANDARD, as S3 does', () => {
    expect(storageClassHeader('STANDARD')).toEqual({});
    expect(storageClassHeader('GLACIER_IR')).toEqual({ 'x-amz-storage-class': 'GLACIER_IR' });
  });
});

describe('resolveStorageClasses', () => {
  it('resolves aliases to the policy name, puts STANDARD on the default policy, and names a policy\'s class by its first class', () => {
    const classes = resolveStorageClasses({ GLACIER_IR: 'COLD', STANDARD_IA: 'ec21' }, POLICIES);
    expect([...classes.policyOf]).toEqual([['GLACIER_IR', 'ec21'], ['STANDARD_IA', 'ec21'], ['STANDARD', 'Policy-0']]);
    expect(classes.classOfPolicy.get('ec21')).toBe('GLACIER_IR');
    expect(classes.classOfPolicy.get('Policy-0')).toBe('STANDARD');
    expect(classes.tiered).toBe(true);
  });

  it('moves STANDARD when it is configured, and then a bucket in the default policy is of the class mapped there', () => {
    const classes = resolveStorageClasses({ STANDARD: 'ec21', STANDARD_IA: 'Policy-0' }, POLICIES);
    expect(classes.classOfPolicy.get('ec21')).toBe('STANDARD');
    expect(classes.classOfPolicy.get('Policy-0')).toBe('STANDARD_IA');
  });

  it('stops with a message naming the class, the missing policy and the ones the cluster has', () => {
    expect(() => resolveStorageClasses({ STANDARD_IA: 'gold' }, POLICIES)).toThrow(
      'Setting s3.storageClasses: STANDARD_IA maps to the Swift storage policy "gold", which this Swift cluster does not have. Its policies are: Policy-0 (default), ec21 (alias cold).');
  });

  it('refuses a policy whose companion containers would be the gateway\'s hidden ones', () => {
    const odd = policiesFromInfo({ swift: { policies: [{ name: 'Policy-0', default: true }, { name: 'segments' }] } });
    expect(() => resolveStorageClasses({ STANDARD_IA: 'segments' }, odd)).toThrow(/cannot hold a class/);
  });

  it('reads a cluster without a policy list as one default policy', () => {
    expect(policiesFromInfo({ swift: {} })).toEqual([{ name: 'Policy-0', aliases: [], isDefault: true }]);
  });

  it('knows a bucket\'s companion containers, and tells them from buckets', () => {
    const classes = resolveStorageClasses({ STANDARD_IA: 'ec21' }, POLICIES);
    expect(companionsOf('photos', classes).sort()).toEqual(['photos+Policy-0', 'photos+ec21']);
    expect(isCompanionName('photos+ec21', classes)).toBe(true);
    expect(isCompanionName('photos+segments', classes)).toBe(false);
    expect(isCompanionName('photos', classes)).toBe(false);
    expect(storageClassesOf(new Map(), 'Policy-0').tiered).toBe(false);
    expect(isCompanionName('odd+', STANDARD_ONLY)).toBe(false);
  });
});

describe('s3.storageClasses', () => {
  const base = { S3GW_KEYSTONE_AUTH_URL: 'http://keystone:5000/v3', S3GW_CREDENTIALS_FILE: '/dev/null' };

  it('reads CLASS=policy pairs from the environment', () => {
    const config = loadConfig({ env: { ...base, S3GW_S3_STORAGE_CLASSES: 'STANDARD_IA=ec21, GLACIER_IR=cold' } });
    expect(config.s3.storageClasses).toEqual({ STANDARD_IA: 'ec21', GLACIER_IR: 'cold' });
  });

  it('is unset by default (STANDARD only)', () => {
    expect(loadConfig({ env: base }).s3.storageClasses).toBeUndefined();
  });

  it('refuses a name that is no S3 storage class, and a pair without a policy', () => {
    expect(() => loadConfig({ env: { ...base, S3GW_S3_STORAGE_CLASSES: 'COLD=ec21' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { ...base, S3GW_S3_STORAGE_CLASSES: 'COLD=ec21' } })).toThrow(/"COLD" is not an S3 storage class/);
    expect(() => loadConfig({ env: { ...base, S3GW_S3_STORAGE_CLASSES: 'STANDARD_IA' } })).toThrow(/not CLASS=policy/);
    expect(() => loadConfig({ env: { ...base, S3GW_S3_STORAGE_CLASSES: 'STANDARD_IA=' } })).toThrow(/the policy of STANDARD_IA is empty/);
  });
});

describe('the class sealed in a Content-Type', () => {
  const sealer = new Sealer(Buffer.alloc(32, 3));
  const target = { container: 'photos', object: 'a.jpg', size: 10 };

  it('verifies for its own object only, and is never part of the Content-Type clients see', () => {
    const type = `image/jpeg${sealer.classParam(target, 'STANDARD_IA')}`;
    expect(sealer.verifiedClass(target, type)).toBe('STANDARD_IA');
    expect(sealer.verifiedClass({ ...target, size: 11 }, type)).toBeUndefined();
    expect(sealer.verifiedClass({ ...target, object: 'b.jpg' }, type)).toBeUndefined();
    expect(sealer.verifiedClass(target, type.replace('STANDARD_IA', 'GLACIER_IR'))).toBeUndefined();
    expect(new Sealer(Buffer.alloc(32, 4)).verifiedClass(target, type)).toBeUndefined();
    expect(plainContentType(type)).toBe('image/jpeg');
  });

  it('gives each listing row its class, and rows without one the bucket\'s', () => {
    const rows = [
      { name: 'a', bytes: 1, hash: 'd41d8cd98f00b204e9800998ecf8427e', content_type: 'text/plain', last_modified: '2026-01-01T00:00:00.000000' },
      { name: 'b', bytes: 1, hash: 'd41d8cd98f00b204e9800998ecf8427e', content_type: 'text/plain;s3gw_class=X', last_modified: '2026-01-01T00:00:00.000000' },
    ];
    const page = toPage(rows, 10, '', undefined, (row) => (row.name === 'b' ? 'GLACIER_IR' : 'STANDARD_IA'));
    expect(page.contents.map((c) => c.storageClass)).toEqual(['STANDARD_IA', 'GLACIER_IR']);
    expect(toPage(rows, 10, '').contents.map((c) => c.storageClass)).toEqual(['STANDARD', 'STANDARD']);
  });
});

describe('nothing orphaned when a write of another class fails (fake Swift)', () => {
  const names = (rig: GatewayRig, container: string) => [...(rig.fake.container(rig.user.account, container)?.objects.names() ?? [])];

  it('PutObject: the manifest refused, the bytes written to the companion go again; the old object stays', async () => {
    const rig = await gatewayRig({ storageClasses: { STANDARD_IA: 'ec21' } });
    try {
      await rig.s3('PUT', '/bkt');
      await rig.s3('PUT', '/bkt/k', { body: 'old', headers: { 'x-amz-storage-class': 'STANDARD_IA' } });
      const before = names(rig, 'bkt+ec21');
      expect(before).toHaveLength(1);
      rig.fake.fail({ match: { origin: 'swift', method: 'PUT', container: 'bkt', object: 'k', query: 'multipart-manifest' }, status: 503 });
      const put = await rig.s3('PUT', '/bkt/k', { body: 'new', headers: { 'x-amz-storage-class': 'STANDARD_IA' } });
      expect([put.status, xmlValue(put.text(), 'Code')]).toEqual([503, 'ServiceUnavailable']);
      expect(names(rig, 'bkt+ec21')).toEqual(before);
      expect((await rig.s3('GET', '/bkt/k')).text()).toBe('old');
    } finally {
      await rig.close();
    }
  });

  it('CopyObject into another class: the manifest refused, the copied bytes go again', async () => {
    const rig = await gatewayRig({ storageClasses: { STANDARD_IA: 'ec21' } });
    try {
      await rig.s3('PUT', '/bkt');
      await rig.s3('PUT', '/bkt/src', { body: 'source' });
      rig.fake.fail({ match: { origin: 'swift', method: 'PUT', container: 'bkt', object: 'dst', query: 'multipart-manifest' }, status: 507 });
      const copy = await rig.s3('PUT', '/bkt/dst', { headers: { 'x-amz-copy-source': '/bkt/src', 'x-amz-storage-class': 'STANDARD_IA' } });
      expect(copy.status).toBe(503);
      expect(names(rig, 'bkt+ec21')).toEqual([]);
      expect((await rig.s3('HEAD', '/bkt/dst')).status).toBe(404);
    } finally {
      await rig.close();
    }
  });
});
