// GetObjectAttributes' request headers, and how nested manifests group parts.
import { describe, expect, it } from 'vitest';
import { parseObjectAttributes, parsePartsPaging } from '../../../../src/operations/object/attributes.js';
import { manifestGroups, subManifestName, isSubManifestRest } from '../../../../src/operations/common/manifest.js';
import { S3Error } from '../../../../src/s3/errors.js';

const code = (fn: () => unknown) => { try { fn(); } catch (e) { return (e as S3Error).code; } return undefined; };

describe('GetObjectAttributes headers', () => {
  it('takes S3\'s attribute names in any case, and refuses none or an unknown one with InvalidArgument', () => {
    expect([...parseObjectAttributes('etag, checksum,ObjectParts')]).toEqual(['ETag', 'Checksum', 'ObjectParts']);
    expect(code(() => parseObjectAttributes(undefined))).toBe('InvalidArgument');
    expect(code(() => parseObjectAttributes('ETag,Owner'))).toBe('InvalidArgument');
  });

  it('x-amz-max-parts defaults to and is capped at 1000; a non-integer is InvalidArgument', () => {
    expect(parsePartsPaging({})).toEqual({ maxParts: 1000, marker: 0 });
    expect(parsePartsPaging({ 'x-amz-max-parts': '5000', 'x-amz-part-number-marker': '7' })).toEqual({ maxParts: 1000, marker: 7 });
    expect(code(() => parsePartsPaging({ 'x-amz-max-parts': '-1' }))).toBe('InvalidArgument');
  });
});

describe('nested manifests', () => {
  it('stay flat up to max_manifest_segments, and split into groups of that many beyond', () => {
    expect(manifestGroups([1, 2, 3], 3)).toEqual([[1, 2, 3]]);
    expect(manifestGroups([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('name sub-manifests so that they are neither parts nor uploads', () => {
    expect(subManifestName('k/x', 'U', 2)).toBe('k/x/U/slo/2');
    expect(isSubManifestRest('slo/2')).toBe(true);
    expect(isSubManifestRest('2')).toBe(false);
  });
});
