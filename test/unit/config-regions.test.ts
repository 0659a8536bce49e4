// Settings: the SigV4 region list (s3.acceptedRegions) and its default.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

const REQUIRED = { S3GW_KEYSTONE_AUTH_URL: 'http://keystone:5000/v3', S3GW_CREDENTIALS_FILE: '/dev/null' };

describe('s3.acceptedRegions', () => {
  it('defaults to s3.region plus us-east-1 (what SDKs sign for without a region)', () => {
    expect(loadConfig({ env: { ...REQUIRED, S3GW_S3_REGION: 'RegionOne' } }).s3.acceptedRegions).toEqual(['RegionOne', 'us-east-1']);
    expect(loadConfig({ env: REQUIRED }).s3.acceptedRegions).toEqual(['us-east-1']);
  });

  it('takes a list, keeps its case, and always includes s3.region first', () => {
    const config = loadConfig({ env: { ...REQUIRED, S3GW_S3_REGION: 'kr-1', S3GW_S3_ACCEPTED_REGIONS: 'RegionOne, kr-2' } });
    expect(config.s3.acceptedRegions).toEqual(['kr-1', 'RegionOne', 'kr-2']);
  });
});
