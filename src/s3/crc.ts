// The CRCs S3's flexible checksums use, as small table-driven functions.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
// CRC32 is zlib's (node:zlib crc32, Node >= 20.15). CRC32C (Castagnoli) and
// CRC64NVME are reflected CRCs with init and final XOR all ones; their check
// values ("123456789" → e3069283 and ae8b14860a799888) are in the unit tests.
import { crc32 as zlibCrc32 } from 'node:zlib';

/** A running CRC: feed bytes, then read the big-endian digest S3 base64-encodes. */
export interface Crc {
  update(data: Buffer): void;
  digest(): Buffer;
}

export function crc32(): Crc {
  let value = 0;
  return {
    update(data) {
      value = zlibCrc32(data, value);
    },
    digest() {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(value >>> 0);
      return out;
    },
  };
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

export function crc32c(): Crc {
  let c = 0xffffffff;
  return {
    update(data) {
      for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
    },
    digest() {
      const out = Buffer.alloc(4);
      out.writeUInt32BE((c ^ 0xffffffff) >>> 0);
      return out;
    },
  };
}

// CRC64NVME, reflected polynomial 0x9a6c9329ac4bc9b5. The 64-bit register is
// kept as two 32-bit halves: BigInt arithmetic per byte would be far slower.
const CRC64_POLY = 0x9a6c9329ac4bc9b5n;
const [CRC64_LO, CRC64_HI] = (() => {
  const lo = new Uint32Array(256);
  const hi = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ CRC64_POLY : c >> 1n;
    lo[i] = Number(c & 0xffffffffn);
    hi[i] = Number(c >> 32n);
  }
  return [lo, hi] as const;
})();

export function crc64nvme(): Crc {
  let lo = 0xffffffff;
  let hi = 0xffffffff;
  return {
    update(data) {
      for (let i = 0; i < data.length; i++) {
        const idx = (lo ^ data[i]!) & 0xff;
        lo = (((lo >>> 8) | (hi << 24)) ^ CRC64_LO[idx]!) >>> 0;
        hi = ((hi >>> 8) ^ CRC64_HI[idx]!) >>> 0;
      }
    },
    digest() {
      const out = Buffer.alloc(8);
      out.writeUInt32BE((hi ^ 0xffffffff) >>> 0, 0);
      out.writeUInt32BE((lo ^ 0xffffffff) >>> 0, 4);
      return out;
    },
  };
}
