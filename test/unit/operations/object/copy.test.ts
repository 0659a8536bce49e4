// CopyObject parameters: x-amz-copy-source, the metadata directive and the
// x-amz-copy-source-if-* conditions
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html).
import { describe, expect, it } from 'vitest';
import { copyConditionsHold, parseCopySource } from '../../../../src/operations/common/copy-source.js';
import { parseMetadataDirective } from '../../../../src/operations/object/copy.js';
import { s3ErrorOf } from '../../../helpers/s3-error.js';


describe('parseCopySource', () => {
  it('reads /bucket/key', () => {
    expect(parseCopySource('/src-bucket/photos/puppy.jpg')).toEqual({ bucket: 'src-bucket', key: 'photos/puppy.jpg' });
  });

  it('reads bucket/key without the leading slash', () => {
    expect(parseCopySource('src-bucket/photos/puppy.jpg')).toEqual({ bucket: 'src-bucket', key: 'photos/puppy.jpg' });
  });

  it('URL-decodes the source, keeping + literal', () => {
    expect(parseCopySource('/src/my%20summer%2Fbeach%20%C3%A9+1.jpg')).toEqual({ bucket: 'src', key: 'my summer/beach é+1.jpg' });
  });

  it('keeps // inside the source key', () => {
    expect(parseCopySource('/src/a//b')).toMatchObject({ bucket: 'src', key: 'a//b' });
  });

  it('takes ?versionId= (null or a Swift version id) as the source version', () => {
    expect(parseCopySource('/src/key?versionId=null')).toEqual({ bucket: 'src', key: 'key', versionId: 'null' });
    expect(parseCopySource('/src/key?versionId=1796133445.49584')).toEqual({ bucket: 'src', key: 'key', versionId: '1796133445.49584' });
    expect(parseCopySource('/src/key')).toEqual({ bucket: 'src', key: 'key', versionId: undefined });
  });

  it('refuses a versionId that cannot be one with InvalidArgument', () => {
    const err = s3ErrorOf(() => parseCopySource('/src/key?versionId=3HL4kqtJlcpXroDTDmJ%2Bv'));
    expect(err.code).toBe('InvalidArgument');
    expect(err.status).toBe(400);
  });

  for (const bad of ['/src', 'src', '/src/', '/', '//key', '']) {
    it(`refuses ${JSON.stringify(bad)} without a bucket and key with InvalidArgument`, () => {
      const err = s3ErrorOf(() => parseCopySource(bad));
      expect(err.code).toBe('InvalidArgument');
      expect(err.details.ArgumentName).toBe('x-amz-copy-source');
    });
  }

  it('refuses malformed percent-encoding with InvalidURI', () => {
    expect(s3ErrorOf(() => parseCopySource('/src/%E0%A4%A')).code).toBe('InvalidURI');
  });
});

describe('parseMetadataDirective', () => {
  it('defaults to COPY', () => {
    expect(parseMetadataDirective(undefined)).toBe('COPY');
  });
  it('reads COPY and REPLACE', () => {
    expect(parseMetadataDirective('COPY')).toBe('COPY');
    expect(parseMetadataDirective('REPLACE')).toBe('REPLACE');
  });
  it('refuses any other value with InvalidArgument', () => {
    expect(s3ErrorOf(() => parseMetadataDirective('MERGE')).code).toBe('InvalidArgument');
    expect(s3ErrorOf(() => parseMetadataDirective('replace')).code).toBe('InvalidArgument');
  });
});

describe('copyConditionsHold', () => {
  const etag = '"9b2cf535f27731c974343645a3985328"';
  const modified = new Date('2020-06-15T12:00:00.700Z');
  const before = 'Mon, 15 Jun 2020 11:00:00 GMT';
  const same = 'Mon, 15 Jun 2020 12:00:00 GMT';
  const after = 'Mon, 15 Jun 2020 13:00:00 GMT';
  const holds = (headers: Record<string, string>) => copyConditionsHold(headers, etag, modified);

  it('holds with no condition', () => {
    expect(holds({})).toBe(true);
  });

  it('if-match: holds for the ETag, quoted or bare, in a list, or *', () => {
    expect(holds({ 'x-amz-copy-source-if-match': etag })).toBe(true);
    expect(holds({ 'x-amz-copy-source-if-match': '9b2cf535f27731c974343645a3985328' })).toBe(true);
    expect(holds({ 'x-amz-copy-source-if-match': '"other", "9b2cf535f27731c974343645a3985328"' })).toBe(true);
    expect(holds({ 'x-amz-copy-source-if-match': '*' })).toBe(true);
    expect(holds({ 'x-amz-copy-source-if-match': '"other"' })).toBe(false);
  });

  it('if-none-match: fails for the ETag, holds for another', () => {
    expect(holds({ 'x-amz-copy-source-if-none-match': etag })).toBe(false);
    expect(holds({ 'x-amz-copy-source-if-none-match': '"other"' })).toBe(true);
  });

  it('if-unmodified-since: holds when not modified after the date, at second precision', () => {
    expect(holds({ 'x-amz-copy-source-if-unmodified-since': after })).toBe(true);
    expect(holds({ 'x-amz-copy-source-if-unmodified-since': same })).toBe(true);
    expect(holds({ 'x-amz-copy-source-if-unmodified-since': before })).toBe(false);
  });

  it('if-modified-since: holds only when modified after the date, at second precision', () => {
    expect(holds({ 'x-amz-copy-source-if-modified-since': before })).toBe(true);
    expect(holds({ 'x-amz-copy-source-if-modified-since': same })).toBe(false);
    expect(holds({ 'x-amz-copy-source-if-modified-since': after })).toBe(false);
  });

  it('if-match true wins over if-unmodified-since false (copies)', () => {
    expect(holds({ 'x-amz-copy-source-if-match': etag, 'x-amz-copy-source-if-unmodified-since': before })).toBe(true);
  });

  it('if-match false fails even when if-unmodified-since is true', () => {
    expect(holds({ 'x-amz-copy-source-if-match': '"other"', 'x-amz-copy-source-if-unmodified-since': after })).toBe(false);
  });

  it('if-none-match false wins over if-modified-since true (412)', () => {
    expect(holds({ 'x-amz-copy-source-if-none-match': etag, 'x-amz-copy-source-if-modified-since': before })).toBe(false);
  });

  it('all four true holds', () => {
    expect(
      holds({
        'x-amz-copy-source-if-match': etag,
        'x-amz-copy-source-if-unmodified-since': after,
        'x-amz-copy-source-if-none-match': '"other"',
        'x-amz-copy-source-if-modified-since': before,
      }),
    ).toBe(true);
  });

  it('ignores an unparseable date', () => {
    expect(holds({ 'x-amz-copy-source-if-modified-since': 'not a date' })).toBe(true);
    expect(holds({ 'x-amz-copy-source-if-unmodified-since': 'not a date' })).toBe(true);
  });
});
