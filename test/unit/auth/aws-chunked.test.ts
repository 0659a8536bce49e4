// aws-chunked bodies: AWS's published chunked-upload example (seed and chunk
// signatures), tampering, trailers, and the verifier that holds back the last
// bytes until every check has passed.
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder, chunkStringToSign, trailerStringToSign, type ChunkSigning } from '../../../src/auth/aws-chunked.js';
import { VerifyingStream } from '../../../src/auth/payload.js';
import { deriveSigningKey, signHex, SigningKeyCache } from '../../../src/auth/signing-keys.js';
import { StaticCredentialStore } from '../../../src/auth/credentials.js';
import { authenticate } from '../../../src/auth/verify.js';
import { checksumOf } from '../../../src/s3/checksums.js';
import { S3Error } from '../../../src/s3/errors.js';
import { parseRequest } from '../../../src/s3/request.js';

const ACCESS = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SCOPE = '20130524/us-east-1/s3/aws4_request';
const SIGNING: ChunkSigning = {
  signingKey: deriveSigningKey(SECRET, '20130524', 'us-east-1'),
  amzDate: '20130524T000000Z',
  scope: SCOPE,
  seedSignature: '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
};

// "Signature Calculations for the Authorization Header: Transferring Payload in
// Multiple Chunks (Chunked Upload)", example PUT Object:
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
const PUBLISHED_CHUNKS = [
  { size: 65536, signature: 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648' },
  { size: 1024, signature: '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497' },
  { size: 0, signature: 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9' },
];

function publishedBody(): Buffer {
  return Buffer.concat(PUBLISHED_CHUNKS.map(({ size, signature }) =>
    Buffer.concat([Buffer.from(`${size.toString(16)};chunk-signature=${signature}\r\n`), Buffer.alloc(size, 'a'), Buffer.from('\r\n')])));
}

/** Signs chunks the way a client does, for bodies the published example does not cover. */
function signedBody(data: Buffer, chunkSize: number, trailer?: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  let previous = SIGNING.seedSignature;
  const sizes: number[] = [];
  for (let off = 0; off < data.length; off += chunkSize) sizes.push(Math.min(chunkSize, data.length - off));
  sizes.push(0);
  let off = 0;
  for (const size of sizes) {
    const piece = data.subarray(off, off + size);
    off += size;
    const sig = signHex(SIGNING.signingKey, chunkStringToSign(SIGNING, previous, createHash('sha256').update(piece).digest('hex')));
    previous = sig;
    parts.push(Buffer.from(`${size.toString(16)};chunk-signature=${sig}\r\n`), piece);
    if (size > 0 || !trailer) parts.push(Buffer.from('\r\n'));
  }
  if (trailer) {
    const canonical = Object.entries(trailer).map(([n, v]) => `${n}:${v}\n`).join('');
    const sig = signHex(SIGNING.signingKey, trailerStringToSign(SIGNING, previous, canonical));
    parts.push(Buffer.from(Object.entries(trailer).map(([n, v]) => `${n}:${v}\r\n`).join('') + `x-amz-trailer-signature:${sig}\r\n\r\n`));
  }
  return Buffer.concat(parts);
}

async function decode(body: Buffer, decoder: AwsChunkedDecoder, pieceSize = 1000): Promise<Buffer> {
  const out: Buffer[] = [];
  const pieces: Buffer[] = [];
  for (let i = 0; i < body.length; i += pieceSize) pieces.push(body.subarray(i, i + pieceSize));
  await pipeline(Readable.from(pieces), decoder, new Writable({ write(c, _e, cb) { out.push(c); cb(); } }));
  return Buffer.concat(out);
}

async function failure(p: Promise<unknown>): Promise<S3Error> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3Error) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('AWS published chunked upload example', () => {
  it('accepts the published seed signature in the Authorization header', async () => {
    const req = parseRequest({
      method: 'PUT',
      url: '/examplebucket/chunkObject.txt',
      rawHeaders: [
        'Host', 's3.amazonaws.com', 'x-amz-date', '20130524T000000Z', 'x-amz-storage-class', 'REDUCED_REDUNDANCY',
        'Authorization', `AWS4-HMAC-SHA256 Credential=${ACCESS}/${SCOPE},SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=${SIGNING.seedSignature}`,
        'x-amz-content-sha256', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'Content-Encoding', 'aws-chunked',
        'x-amz-decoded-content-length', '66560', 'Content-Length', '66824',
      ],
    }, []);
    const store = new StaticCredentialStore([{ accessKeyId: ACCESS, secretKey: SECRET, identity: 'x' }]);
    const result = await authenticate(req, store, { maxSkewMs: 900_000, now: () => Date.UTC(2013, 4, 24), signingKeys: new SigningKeyCache() });
    expect(result.v4?.payload).toEqual({ kind: 'streaming', signed: true, trailer: false });
    expect(result.v4?.seedSignature).toBe(SIGNING.seedSignature);
    expect(publishedBody().length).toBe(66824);
  });

  it('decodes the 66560-byte body, verifying every published chunk signature', async () => {
    for (const pieceSize of [1, 7, 8192, 100_000]) {
      const out = await decode(publishedBody(), new AwsChunkedDecoder({ signing: SIGNING, trailerNames: [], decodedLength: 66560 }), pieceSize);
      expect(out.equals(Buffer.alloc(66560, 'a'))).toBe(true);
    }
  });

  it('refuses the body when one data byte changes (SignatureDoesNotMatch)', async () => {
    const body = publishedBody();
    body[200] = 'b'.charCodeAt(0);
    const err = await failure(decode(body, new AwsChunkedDecoder({ signing: SIGNING, trailerNames: [], decodedLength: 66560 })));
    expect(err.code).toBe('SignatureDoesNotMatch');
  });

  it('refuses a changed final chunk signature, and a chunk signature from another chain', async () => {
    const body = publishedBody().toString('latin1').replace('b6c6ea8a', 'b6c6ea8b');
    expect((await failure(decode(Buffer.from(body, 'latin1'), new AwsChunkedDecoder({ signing: SIGNING, trailerNames: [] })))).code)
      .toBe('SignatureDoesNotMatch');
    const otherSeed = { ...SIGNING, seedSignature: '0'.repeat(64) };
    expect((await failure(decode(publishedBody(), new AwsChunkedDecoder({ signing: otherSeed, trailerNames: [] })))).code)
      .toBe('SignatureDoesNotMatch');
  });

  it('refuses a body that ends early, or that disagrees with x-amz-decoded-content-length', async () => {
    expect((await failure(decode(publishedBody().subarray(0, 70_000 - 4000), new AwsChunkedDecoder({ signing: SIGNING, trailerNames: [] })))).code)
      .toBe('IncompleteBody');
    expect((await failure(decode(publishedBody(), new AwsChunkedDecoder({ signing: SIGNING, trailerNames: [], decodedLength: 66559 })))).code)
      .toBe('IncompleteBody');
  });
});

describe('trailers', () => {
  const data = Buffer.from('hello trailer world, '.repeat(500));
  const crc = checksumOf('crc32', data);

  it('verifies a signed trailer and exposes its checksum', async () => {
    const decoder = new AwsChunkedDecoder({ signing: SIGNING, trailerNames: ['x-amz-checksum-crc32'], decodedLength: data.length });
    const out = await decode(signedBody(data, 4096, { 'x-amz-checksum-crc32': crc }), decoder, 333);
    expect(out.equals(data)).toBe(true);
    expect(decoder.trailers['x-amz-checksum-crc32']).toBe(crc);
  });

  it('refuses a changed trailer value (the trailer signature no longer matches)', async () => {
    const body = signedBody(data, 4096, { 'x-amz-checksum-crc32': crc }).toString('latin1').replace(crc, 'AAAAAA==');
    const decoder = new AwsChunkedDecoder({ signing: SIGNING, trailerNames: ['x-amz-checksum-crc32'] });
    expect((await failure(decode(Buffer.from(body, 'latin1'), decoder))).code).toBe('SignatureDoesNotMatch');
  });

  it('decodes an unsigned body with a trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER)', async () => {
    const body = Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from(`\r\n0\r\nx-amz-checksum-crc32:${crc}\r\n\r\n`)]);
    const decoder = new AwsChunkedDecoder({ trailerNames: ['x-amz-checksum-crc32'], decodedLength: data.length });
    expect((await decode(body, decoder, 50)).equals(data)).toBe(true);
    expect(decoder.trailers['x-amz-checksum-crc32']).toBe(crc);
  });

  it('refuses a missing announced trailer', async () => {
    const body = Buffer.from('3\r\nabc\r\n0\r\n\r\n');
    expect((await failure(decode(body, new AwsChunkedDecoder({ trailerNames: ['x-amz-checksum-crc32'] })))).code).toBe('InvalidRequest');
  });
});

describe('VerifyingStream', () => {
  it('passes everything on when the checks hold', async () => {
    const data = Buffer.from('Welcome to Amazon S3.');
    const v = new VerifyingStream({ sha256: '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072', checksum: { algorithm: 'crc32', location: 'header', expected: checksumOf('crc32', data) } });
    const out: Buffer[] = [];
    await pipeline(Readable.from([data.subarray(0, 5), data.subarray(5)]), v, new Writable({ write(c, _e, cb) { out.push(c); cb(); } }));
    expect(Buffer.concat(out).equals(data)).toBe(true);
  });

  it('fails before passing on the last piece: XAmzContentSHA256Mismatch, BadDigest', async () => {
    for (const checks of [
      { sha256: '0'.repeat(64) },
      { checksum: { algorithm: 'crc32' as const, location: 'header' as const, expected: 'AAAAAA==' } },
    ]) {
      const seen: Buffer[] = [];
      const v = new VerifyingStream(checks);
      const err = await failure(pipeline(Readable.from([Buffer.from('one'), Buffer.from('two'), Buffer.from('last')]), v,
        new Writable({ write(c, _e, cb) { seen.push(c); cb(); } })));
      expect(['XAmzContentSHA256Mismatch', 'BadDigest']).toContain(err.code);
      expect(Buffer.concat(seen).toString()).toBe('onetwo');
    }
  });

  it('names the algorithm in BadDigest as S3 does', async () => {
    const v = new VerifyingStream({ checksum: { algorithm: 'crc32', location: 'header', expected: 'AAAAAA==' } });
    const err = await failure(pipeline(Readable.from([Buffer.from('x')]), v, new Writable({ write(_c, _e, cb) { cb(); } })));
    expect(err.message).toBe('The CRC32 you specified did not match the calculated checksum.');
  });
});
