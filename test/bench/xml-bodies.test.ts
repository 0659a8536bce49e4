// The bodies bench/xml-stall.ts measures are what they say: the legal ones
// within S3's limits and the gateway's caps, the adversarial ones filling the caps.
import { describe, expect, it } from 'vitest';
import { escapeHeavily, heavyKey, stallBodies } from '../../bench/xml-bodies.js';
import { MAX_DELETE_BODY, parseDeleteBody } from '../../src/operations/object/delete-objects.js';
import { MAX_COMPLETE_BODY, parseCompleteBody } from '../../src/operations/multipart/complete-body.js';

const caps = { deleteBytes: MAX_DELETE_BODY, completeBytes: MAX_COMPLETE_BODY, oldDeleteBytes: 10 * 1024 * 1024 };

describe('the XML stall benchmark bodies', () => {
  const bodies = stallBodies(caps);
  const named = (name: string) => bodies.find((b) => b.name === name)!;

  it('makes keys of 1024 UTF-8 bytes that escape to more than 4 times that', () => {
    expect(Buffer.byteLength(heavyKey(7))).toBe(1024);
    expect(escapeHeavily(heavyKey(7)).length).toBeGreaterThan(4 * 1024);
  });

  it('fills each cap it means to, and no more', () => {
    for (const b of bodies) {
      const cap = b.beforeOnly ? caps.oldDeleteBytes : b.kind === 'delete' ? caps.deleteBytes : caps.completeBytes;
      expect(b.body.length, b.name).toBeLessThanOrEqual(cap);
      if (b.name.endsWith('-cap')) expect(b.body.length, b.name).toBeGreaterThan(cap - 256);
    }
    expect(named('delete-legal-escaped').body.length).toBeGreaterThan(0.98 * MAX_DELETE_BODY);
  });

  it('has legal bodies the gateway reads in full', async () => {
    expect((await parseDeleteBody(named('delete-legal-escaped').body)).objects).toHaveLength(1000);
    expect((await parseDeleteBody(named('delete-legal-escaped').body)).objects[3]!.key).toBe(heavyKey(3));
    expect((await parseDeleteBody(named('delete-legal-plain').body)).objects).toHaveLength(1000);
    expect(await parseCompleteBody(named('complete-legal-10000').body, 'u')).toHaveLength(10_000);
  });
});
