// CompleteMultipartUpload's request document.
import { describe, expect, it } from 'vitest';
import { parseCompleteBody } from '../../../../src/operations/multipart/complete-body.js';

const part = (n: number, etag = n.toString(16).padStart(32, '0')) => `<Part><PartNumber>${n}</PartNumber><ETag>"${etag}"</ETag></Part>`;
const complete = (parts: string) => `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts}</CompleteMultipartUpload>`;
const codeOf = async (body: string) => (await parseCompleteBody(body, 'u').then(() => undefined, (err: { code?: string }) => err.code));

describe('parseCompleteBody', () => {
  it('reads every part of the largest upload, 10,000 parts, with quoted or escaped ETags', async () => {
    const parts = Array.from({ length: 10_000 }, (_, i) => part(i + 1)).join('');
    const requested = await parseCompleteBody(Buffer.from(complete(parts)), 'u');
    expect(requested).toHaveLength(10_000);
    expect(requested[9_999]).toEqual({ partNumber: 10_000, etag: (10_000).toString(16).padStart(32, '0') });
    expect(await parseCompleteBody(complete('<Part><ETag>&quot;D41D8CD98F00B204E9800998ECF8427E&quot;</ETag><PartNumber>1</PartNumber></Part>'), 'u'))
      .toEqual([{ partNumber: 1, etag: 'd41d8cd98f00b204e9800998ecf8427e' }]);
  });

  it('answers MalformedXML, InvalidPartOrder and InvalidPart as S3 does', async () => {
    expect(await codeOf(complete(''))).toBe('MalformedXML');
    expect(await codeOf('<CompleteMultipartUpload><!-- c --></CompleteMultipartUpload>')).toBe('MalformedXML');
    expect(await codeOf(complete(part(0)))).toBe('MalformedXML');
    expect(await codeOf(complete(part(2) + part(1)))).toBe('InvalidPartOrder');
    expect(await codeOf(complete(part(1, 'zz')))).toBe('InvalidPart');
  });
});
