// toS3Error's log lines: a 500 is always explained, and a 503 made from
// Swift's 5xx says so, so it can be told from the gateway's own fault (the
// fuzzer's oracle relies on it).
import { describe, expect, it } from 'vitest';
import { toS3Error, type PipelineDeps } from '../../../src/http/pipeline.js';
import { OBJECT_TABLE, translate } from '../../../src/operations/common/swift-errors.js';
import type { RequestContext } from '../../../src/s3/result.js';
import { PoolWaitTimeout, SwiftError, UpstreamBusy, UpstreamUnavailable } from '../../../src/swift/errors.js';

function rig() {
  const lines: Record<string, unknown>[] = [];
  const deps = { log: { log: (level: string, msg: string, fields: Record<string, unknown>) => lines.push({ level, msg, ...fields }) } } as unknown as PipelineDeps;
  const ctx = { transId: 'tx1', operation: 'ListObjects' } as RequestContext;
  return { lines, deps, ctx };
}

describe('toS3Error', () => {
  it('logs an InternalError made from a Swift status no table maps, with its cause', () => {
    const { lines, deps, ctx } = rig();
    const err = toS3Error(translate(new SwiftError(418, 'GET', 'b', undefined), {}), deps, ctx);
    expect(err.code).toBe('InternalError');
    expect(lines).toEqual([expect.objectContaining({ level: 'error', msg: 'internal error', transId: 'tx1', error: expect.stringContaining('Swift answered 418') })]);
  });

  it('logs a ServiceUnavailable from Swift 5xx as upstream unavailable, translated in the operation or in the pipeline', () => {
    for (const failure of [translate(new SwiftError(503, 'GET', 'b', undefined), {}), new SwiftError(503, 'GET', 'b', undefined)]) {
      const { lines, deps, ctx } = rig();
      expect(toS3Error(failure, deps, ctx).code).toBe('ServiceUnavailable');
      expect(lines).toEqual([expect.objectContaining({ level: 'warn', msg: 'upstream unavailable', transId: 'tx1', status: 503 })]);
    }
  });

  it('answers SlowDown when every Swift connection stayed busy, ServiceUnavailable when Swift is unreachable', () => {
    const { lines, deps, ctx } = rig();
    const busy = toS3Error(new UpstreamBusy('Every connection to Swift is busy', { cause: new PoolWaitTimeout('http://swift:8080', 10000) }), deps, ctx);
    expect([busy.code, busy.status]).toEqual(['SlowDown', 503]);
    expect(toS3Error(new UpstreamUnavailable('swift', 'Swift is unreachable'), deps, ctx).code).toBe('ServiceUnavailable');
    expect(lines.map((l) => l.msg)).toEqual(['upstream busy', 'upstream unavailable']);
  });

  it('logs nothing for a client error', () => {
    const { lines, deps, ctx } = rig();
    expect(toS3Error(translate(new SwiftError(404, 'GET', 'b', 'k'), OBJECT_TABLE), deps, ctx).code).toBe('NoSuchKey');
    expect(lines).toEqual([]);
  });
});
