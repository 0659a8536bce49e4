// The doctor's pure parts: unknown-key detection with the nearest setting, the
// report's exit codes and text, and the reload's list of changed settings.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { Report, renderText } from '../../../src/doctor/report.js';
import { leafPaths, suggestSetting } from '../../../src/doctor/settings.js';
import { changedSettings } from '../../../src/reload.js';

describe('doctor settings', () => {
  it('lists the leaf paths of a config document (lists are leaves)', () => {
    expect(leafPaths({ keystone: { authUrl: 'x', service: { username: 'u' } }, s3: { domains: ['a', 'b'] }, log: null })).toEqual([
      'keystone.authUrl', 'keystone.service.username', 's3.domains', 'log',
    ]);
  });

  it('suggests the setting a typo meant', () => {
    expect(suggestSetting('keystone.authURL')).toBe('keystone.authUrl');
    expect(suggestSetting('keystone.auth_url')).toBe('keystone.authUrl');
    expect(suggestSetting('credential.file')).toBe('credentials.file');
    expect(suggestSetting('listen.prot')).toBe('listen.port');
    // The right leaf in the wrong section.
    expect(suggestSetting('service.applicationCredentialSecret')).toBe('keystone.service.applicationCredentialSecret');
    expect(suggestSetting('completely.unrelated.thing')).toBeUndefined();
  });
});

describe('doctor report', () => {
  it('exits 0 with only warnings, 1 with a failure, and prints each fix under its line', () => {
    const r = new Report();
    r.ok('keystone', 'answers');
    r.warn('config', 'no integrity key', 'set s3.integrityKey');
    expect(r.exitCode()).toBe(0);
    expect(renderText(r, 'f.yaml').at(-1)).toBe('No problems found (1 warning): the gateway can start with these settings.');
    r.fail('swift', 'refused', 'give it a role');
    expect(r.exitCode()).toBe(1);
    const text = renderText(r, 'f.yaml');
    expect(text.at(-1)).toBe('1 problem and 1 warning: fix the FAIL lines, then run the doctor again.');
    const at = text.findIndex((l) => l.includes('FAIL  swift'));
    expect(text[at + 1]).toMatch(/^\s+fix: give it a role$/);
  });
});

describe('reload: changed settings', () => {
  const base = { S3GW_KEYSTONE_AUTH_URL: 'http://k:5000/v3', S3GW_CREDENTIALS_FILE: '/c.yaml' };
  it('names each setting whose value changed, and none when nothing did', () => {
    const a = loadConfig({ env: base });
    expect(changedSettings(a, loadConfig({ env: base }))).toEqual([]);
    const b = loadConfig({ env: { ...base, S3GW_LOG_LEVEL: 'warn', S3GW_S3_MAX_SKEW_SECONDS: '60', S3GW_S3_DOMAINS: 'a.example,b.example' } });
    expect(changedSettings(a, b).sort()).toEqual(['log.level', 's3.domains', 's3.maxSkewSeconds']);
  });
});
