// The browser-upload policy document and form: parsing, every condition kind,
// the refusals S3 gives, and the streaming form reader's boundaries.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { S3Error } from '../../../src/s3/errors.js';
import { ExactLength, fileLengthOf, formBoundary, readPostForm } from '../../../src/s3/post-form.js';
import { checkPostPolicy, parsePostPolicy } from '../../../src/s3/post-policy.js';

const b64 = (doc: unknown) => Buffer.from(JSON.stringify(doc)).toString('base64');
const later = new Date(Date.now() + 60_000).toISOString();
function error(fn: () => unknown): { code?: string; message?: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof S3Error) return { code: err.code, message: err.message };
    throw err;
  }
  return {};
}

describe('parsePostPolicy', () => {
  it('reads the expiration and every condition form', () => {
    const p = parsePostPolicy(b64({ expiration: later, conditions: [{ bucket: 'b' }, ['eq', '$Key', 'k'], ['starts-with', '$Content-Type', 'image/'], ['content-length-range', 1, 10]] }));
    expect(p.conditions.map((c) => c.kind)).toEqual(['eq', 'eq', 'starts-with', 'content-length-range']);
    expect(p.conditions[1]).toMatchObject({ field: 'key', value: 'k' });
  });

  it('refuses what is not a policy with InvalidPolicyDocument', () => {
    for (const bad of ['%%%', Buffer.from('{').toString('base64'), b64({ conditions: [] }), b64({ expiration: later }), b64({ expiration: later, conditions: [['nope', '$a', 'b']] }),
      b64({ expiration: later, conditions: [['eq', 'key', 'b']] }), b64({ expiration: later, conditions: [['content-length-range', 5, 1]] })]) {
      expect(error(() => parsePostPolicy(bad)).code).toBe('InvalidPolicyDocument');
    }
  });
});

describe('checkPostPolicy', () => {
  const policy = parsePostPolicy(b64({ expiration: later, conditions: [{ bucket: 'b' }, ['starts-with', '$key', 'u/'], ['starts-with', '$content-type', 'image/'], ['content-length-range', 1, 10]] }));
  const fields = (extra: Record<string, string> = {}) => new Map(Object.entries({ bucket: 'b', key: 'u/x', 'content-type': 'image/png,image/jpeg', policy: 'p', 'x-amz-signature': 's', ...extra }));

  it('passes a form that meets every condition, and answers the content-length-range', () => {
    expect(checkPostPolicy(policy, fields(), Date.now())).toEqual({ min: 1, max: 10 });
  });

  it('refuses as S3 does: expired, a failed condition, an extra field (x-ignore-* aside)', () => {
    expect(error(() => checkPostPolicy(policy, fields(), Date.now() + 120_000)).message).toBe('Invalid according to Policy: Policy expired.');
    expect(error(() => checkPostPolicy(policy, fields({ key: 'v/x' }), Date.now())).message).toBe('Invalid according to Policy: Policy Condition failed: ["starts-with","$key","u/"]');
    expect(error(() => checkPostPolicy(policy, fields({ 'content-type': 'image/png,text/html' }), Date.now())).code).toBe('AccessDenied');
    expect(error(() => checkPostPolicy(policy, fields({ 'x-amz-meta-a': '1' }), Date.now())).message).toBe('Invalid according to Policy: Extra input fields: x-amz-meta-a');
    expect(checkPostPolicy(policy, fields({ 'x-ignore-me': '1' }), Date.now())).toEqual({ min: 1, max: 10 });
  });
});

function form(parts: [string, string, string?][], boundary = 'XyZ'): Buffer {
  return Buffer.from(parts.map(([name, value, filename]) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"\r\nContent-Type: text/plain` : ''}\r\n\r\n${value}\r\n`).join('') + `--${boundary}--\r\n`);
}

/** The body as a stream of small pieces, so delimiters fall across chunk boundaries. */
const pieces = (buf: Buffer, size: number) => Readable.from(Array.from({ length: Math.ceil(buf.length / size) }, (_, i) => buf.subarray(i * size, (i + 1) * size)));

describe('readPostForm', () => {
  it('reads the fields, then streams the file, whatever the chunking; the file length follows from Content-Length', async () => {
    const fileText = 'file body with --XyZ inside and \r\n-- too';
    const body = form([['Key', 'a/${filename}'], ['policy', 'cG9s'], ['file', fileText, 'dir/name.txt'], ['after', 'ignored']]);
    for (const size of [1, 3, 7, 64, 4096]) {
      const f = await readPostForm(pieces(body, size), 'XyZ');
      expect(Object.fromEntries(f.fields)).toEqual({ key: 'a/${filename}', policy: 'cG9s' });
      expect([f.filename, f.fileContentType]).toEqual(['dir/name.txt', 'text/plain']);
      const chunks: Buffer[] = [];
      for await (const c of f.file) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe(fileText);
    }
    const last = form([['key', 'k'], ['file', 'abc', 'x']]);
    expect(fileLengthOf(await readPostForm(pieces(last, 5), 'XyZ'), last.length)).toBe(3);
  });

  it('refuses a form with no file, fields over 20 KB, or a body that ends inside the form', async () => {
    const code = (p: Promise<unknown>) => p.then(() => undefined, (e: S3Error) => e.code);
    expect(await code(readPostForm(pieces(form([['key', 'k']]), 10), 'XyZ'))).toBe('InvalidArgument');
    expect(await code(readPostForm(pieces(form([['key', 'x'.repeat(21_000)], ['file', 'a', 'f']]), 1000), 'XyZ'))).toBe('MaxPostPreDataLengthExceeded');
    expect(await code(readPostForm(pieces(Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="key"\r\n\r\nk'), 4), 'XyZ'))).toBe('MalformedPOSTRequest');
  });

  it('formBoundary reads multipart/form-data only', () => {
    expect(formBoundary('multipart/form-data; boundary=----WebKitFormBoundaryA1')).toBe('----WebKitFormBoundaryA1');
    expect(formBoundary('multipart/form-data; boundary="quoted b"')).toBe('quoted b');
    expect(formBoundary('application/x-www-form-urlencoded')).toBeUndefined();
  });

  it('ExactLength fails a file of another length before passing its last bytes on', async () => {
    const run = async (n: number) => {
      const out: Buffer[] = [];
      const s = pieces(Buffer.from('abcdef'), 2).pipe(new ExactLength(n));
      try {
        for await (const c of s) out.push(c as Buffer);
        return Buffer.concat(out).toString();
      } catch (err) {
        // Never all the bytes promised: what had passed is shorter than the length.
        return `${(err as S3Error).code}${Buffer.concat(out).length < n ? '' : ' after all its bytes'}`;
      }
    };
    expect(await run(6)).toBe('abcdef');
    expect(await run(4)).toBe('InvalidArgument');
    expect(await run(8)).toBe('InvalidArgument');
  });
});
