// s3.storageClasses against the real cluster's policies: a gateway whose map
// names a policy Swift does not have does not start, and says why; the
// doctor's check reports the same.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { checkStorageClasses } from '../../src/doctor/storage.js';
import { startGateway } from '../helpers/gateway.js';
import { loadStack } from '../helpers/stack.js';

describe('s3.storageClasses at start', () => {
  it('a class on a policy the cluster lacks stops start-up, naming the policies it has', async () => {
    await expect(startGateway({ storageClasses: { STANDARD_IA: 'gold' } })).rejects.toThrow(
      'Setting s3.storageClasses: STANDARD_IA maps to the Swift storage policy "gold", which this Swift cluster does not have. Its policies are: Policy-0 (default), ec21 (alias cold).');
  });

  it('starts with classes on the cluster\'s policies, aliases included', async () => {
    const gw = await startGateway({ storageClasses: { STANDARD_IA: 'cold', ONEZONE_IA: 'Policy-0' } });
    await gw.stop();
  });
});

describe('the doctor\'s storage-class check', () => {
  const stack = loadStack();
  const config = (classes: string) => loadConfig({ env: { S3GW_KEYSTONE_AUTH_URL: stack.keystone.authUrl, S3GW_CREDENTIALS_FILE: '/dev/null', S3GW_S3_STORAGE_CLASSES: classes } });

  it('lists each class with its policy when every policy exists', async () => {
    expect(await checkStorageClasses(config('STANDARD_IA=cold,GLACIER_IR=ec21'), stack.swift.url)).toEqual({ classes: ['STANDARD_IA → ec21', 'GLACIER_IR → ec21', 'STANDARD → Policy-0'] });
  });

  it('names the missing policy and the fix', async () => {
    const found = await checkStorageClasses(config('GLACIER_IR=tape'), stack.swift.url);
    expect(found).toMatchObject({ problem: expect.stringContaining('GLACIER_IR maps to the Swift storage policy "tape"'), fix: expect.stringContaining('s3.storageClasses') });
  });
});
