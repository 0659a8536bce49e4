// Request bodies for `npm run bench:xml` (bench/xml-stall.ts): the largest
// legal ones S3 allows, and adversarial ones up to the gateway's caps. Pure, so
// test/bench checks their sizes against the caps.

export type BodyKind = 'delete' | 'complete';

export interface StallBody {
  readonly name: string;
  readonly what: string;
  readonly kind: BodyKind;
  readonly body: Buffer;
  /** Measured with the old one-shot parser only (the gateway now refuses it unread). */
  readonly beforeOnly?: boolean;
}

export interface Caps {
  readonly deleteBytes: number;
  readonly completeBytes: number;
  /** The DeleteObjects cap before it was sized from S3's limits. */
  readonly oldDeleteBytes: number;
}

const DELETE_OPEN = '<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">';
const DELETE_CLOSE = '</Delete>';

/** A key of exactly 1024 UTF-8 bytes that escapes heavily: `"`, LF and `&` are 6 bytes once written, 😀 is 9. */
export function heavyKey(i: number): string {
  return `xmlb/${String(i).padStart(4, '0')}/` + '"\n&'.repeat(206) + '😀'.repeat(99);
}

export function escapeHeavily(key: string): string {
  return key.replace(/[&"\n]|\u{1F600}/gu, (c) => ({ '&': '&amp;', '"': '&quot;', '\n': '&#x0A;' })[c] ?? '&#x1F600;');
}

/** `unit` repeated to fill `bytes` between `open` and `close`. */
function filled(open: string, unit: string, close: string, bytes: number): Buffer {
  const room = bytes - Buffer.byteLength(open) - Buffer.byteLength(close);
  return Buffer.from(open + unit.repeat(Math.floor(room / Buffer.byteLength(unit))) + close);
}

function deleteOf(objects: string[]): Buffer {
  return Buffer.from(DELETE_OPEN + objects.join('') + DELETE_CLOSE);
}

function completeFilling(bytes: number, part: (n: number) => string): Buffer {
  const open = '<CompleteMultipartUpload>';
  const close = '</CompleteMultipartUpload>';
  const parts: string[] = [];
  let size = open.length + close.length;
  for (let n = 1; size + part(n).length <= bytes; n++) {
    parts.push(part(n));
    size += part(n).length;
  }
  return Buffer.from(open + parts.join('') + close);
}

export function stallBodies(caps: Caps): StallBody[] {
  const keys = Array.from({ length: 1000 }, (_, i) => i);
  const part = (n: number) => `<Part><PartNumber>${n}</PartNumber><ETag>&quot;${n.toString(16).padStart(32, '0')}&quot;</ETag>`
    + `<ChecksumSHA256>${'A'.repeat(43)}=</ChecksumSHA256></Part>`;
  return [
    {
      name: 'delete-legal-escaped', kind: 'delete', what: '1000 keys of 1024 bytes, escaped 4.3x, VersionId, right under the cap',
      body: deleteOf(keys.map((i) => `<Object><Key>${escapeHeavily(heavyKey(i))}</Key><VersionId>null</VersionId></Object>`)),
    },
    {
      name: 'delete-legal-plain', kind: 'delete', what: '1000 keys of 1024 ASCII bytes',
      body: deleteOf(keys.map((i) => `<Object><Key>${String(i).padStart(4, '0')}${'k'.repeat(1020)}</Key></Object>`)),
    },
    {
      name: 'complete-legal-10000', kind: 'complete', what: '10,000 parts with quoted ETags and a SHA-256 checksum each',
      body: Buffer.from(`<CompleteMultipartUpload>${Array.from({ length: 10_000 }, (_, i) => part(i + 1)).join('')}</CompleteMultipartUpload>`),
    },
    { name: 'pi-2mb', kind: 'delete', what: 'the finding: 2 MB of `<?x y?>`', body: filled('<Delete>', '<?x y?>', DELETE_CLOSE, 2_000_000) },
    { name: 'pi-cap', kind: 'delete', what: '`<?x y?>` up to the DeleteObjects cap', body: filled('<Delete>', '<?x y?>', DELETE_CLOSE, caps.deleteBytes) },
    {
      name: 'pi-old-cap', kind: 'delete', what: '`<?x y?>` up to the old 10 MiB cap (now refused unread)', beforeOnly: true,
      body: filled('<Delete>', '<?x y?>', DELETE_CLOSE, caps.oldDeleteBytes),
    },
    { name: 'comment-cap', kind: 'delete', what: 'one comment filling the cap', body: filled('<Delete><!--', 'x', '--></Delete>', caps.deleteBytes) },
    {
      name: 'attribute-cap', kind: 'delete', what: 'one attribute value filling the cap',
      body: filled('<Delete a="', 'x', '"><Object><Key>k</Key></Object></Delete>', caps.deleteBytes),
    },
    {
      name: 'references-cap', kind: 'delete', what: 'one key of `&amp;` references filling the cap',
      body: filled('<Delete><Object><Key>', '&amp;', '</Key></Object></Delete>', caps.deleteBytes),
    },
    {
      name: 'objects-cap', kind: 'delete', what: '160,000 `<Object>`s filling the cap (refused after: over 1000)',
      body: filled('<Delete>', '<Object><Key>k</Key></Object>', DELETE_CLOSE, caps.deleteBytes),
    },
    { name: 'empty-elements-cap', kind: 'delete', what: '1.1 million `<a/>` filling the cap', body: filled('<Delete>', '<a/>', DELETE_CLOSE, caps.deleteBytes) },
    {
      name: 'complete-parts-cap', kind: 'complete', what: 'ascending parts, numbers past 10,000, filling the complete cap',
      body: completeFilling(caps.completeBytes, part),
    },
  ];
}
