// The benchmark's pure parts (statistics, signing, targets and tables, options),
// so `npm test` covers the bench code without running the benchmark.
import { describe, expect, it } from 'vitest';
import { topSelfTime } from '../../bench/cpuprofile.js';
import { PatternVerifier, patternBlock, BLOCK_SIZE } from '../../bench/datastream.js';
import { counterSum, gatewayConfig } from '../../bench/gateway.js';
import { parseOptions, UsageError } from '../../bench/options.js';
import { evaluateTargets, fmtSpread, markdownReport, markdownTable, targetLines, type BenchResults, type SmallCell } from '../../bench/report.js';
import { signV4, stringToSignV2, type PlainRequest } from '../../bench/signing.js';
import { percentile, ratio, spread, summarizeLatencies } from '../../bench/stats.js';

describe('percentiles', () => {
  const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

  it('uses the nearest rank: always a measured value', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 99.9)).toBe(100);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7], 99.9)).toBe(7);
  });

  it('does not round an exact rank up through floating point (99.9 % of 1000 samples is the 999th)', () => {
    const thousand = Float64Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(percentile(thousand, 99.9)).toBe(999);
  });

  it('is NaN for no samples and refuses percentiles outside (0, 100]', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile(hundred, 0)).toThrow(RangeError);
    expect(() => percentile(hundred, 101)).toThrow(RangeError);
  });

  it('summarises unsorted samples numerically, not as strings', () => {
    const s = summarizeLatencies([10, 9, 100, 2, 1]);
    expect(s).toMatchObject({ count: 5, p50: 9, p99: 100, max: 100 });
    expect(s.mean).toBeCloseTo(24.4);
  });

  it('reports the spread of rounds with a sample standard deviation', () => {
    const s = spread([10, 12, 14]);
    expect(s).toMatchObject({ mean: 12, min: 10, max: 14, n: 3 });
    expect(s.stddev).toBeCloseTo(2);
    expect(spread([5]).stddev).toBe(0);
    expect(ratio(3, 0)).toBeNaN();
  });
});

function small(op: string, concurrency: number, target: string, ops: number, p99: number): SmallCell {
  return {
    op,
    concurrency,
    target,
    rounds: [ops * 0.9, ops * 1.1],
    opsPerSec: spread([ops * 0.9, ops * 1.1]),
    latencyMs: { count: 100, mean: p99 / 2, p50: p99 / 3, p99, p999: p99 * 1.5, max: p99 * 2 },
    errors: 0,
  };
}

describe('targets and the report', () => {
  const smallCells = [
    small('GET', 16, 'gateway', 1300, 6),
    small('GET', 16, 'swift', 1500, 5),
    small('GET', 16, 's3api', 1000, 9),
  ];
  const partial = {
    small: smallCells,
    large: [
      { op: 'PUT' as const, target: 'gateway', sizeBytes: 2 ** 30, rounds: [180], mbPerSec: spread([180]), verified: true, gatewayPeakRssBytes: [90e6] },
      { op: 'PUT' as const, target: 'swift', sizeBytes: 2 ** 30, rounds: [190], mbPerSec: spread([190]), verified: true },
    ],
    list: [
      { concurrency: 1, target: 'gateway', rounds: [40], pagesPerSec: spread([40]), latencyMs: { count: 9, mean: 25, p50: 24, p99: 30, p999: 30, max: 30 }, errors: 0 },
      { concurrency: 1, target: 'swift', rounds: [50], pagesPerSec: spread([50]), latencyMs: { count: 9, mean: 20, p50: 19, p99: 22, p999: 22, max: 22 }, errors: 0 },
    ],
    cold: [{ target: 'gateway', requests: 200, keys: 20, keystoneCalls: [1, 1, 2], statuses: { '200': 600 }, latencyMs: { count: 600, mean: 1, p50: 1, p99: 2, p999: 3, max: 3 } }],
    gatewayRunPeakRssBytes: 160e6,
  };
  const checks = evaluateTargets(partial);
  const find = (prefix: string) => checks.find((c) => c.target.startsWith(prefix))!;

  it('checks each target against its limit', () => {
    expect(find('small GET c=16: gateway ops/s ≥ 1.2 × s3api')).toMatchObject({ measured: '1.30×', pass: true });
    expect(find('small GET c=16: gateway ops/s ≥ 0.8 × direct Swift')).toMatchObject({ measured: '0.87×', pass: true });
    expect(find('small GET c=16: p99 added')).toMatchObject({ measured: '1.00 ms', pass: true });
    expect(find('large PUT')).toMatchObject({ measured: '0.95×', pass: true });
    expect(find('large GET')).toMatchObject({ measured: 'n/a', pass: undefined });
    expect(find('gateway peak RSS')).toMatchObject({ measured: '160 MB', pass: false });
    expect(find('listing')).toMatchObject({ measured: '5.00 ms', pass: false });
    expect(find('cold-start')).toMatchObject({ pass: false });
  });

  it('passes Swift calls beyond one per request only when every round stays within the limit', () => {
    const rounds = (perSecond: number[]) => evaluateTargets({ ...partial, small: [{ ...small('HEAD', 16, 'gateway', 900, 4), swiftCallsPerOp: [1.001, 1.002], extraSwiftCallsPerSecond: perSecond }] })
      .find((c) => c.target.startsWith('small HEAD c=16: ≤ 3 Swift calls per second beyond one per request'))!;
    expect(rounds([0.5, 1.5])).toMatchObject({ measured: '1.50/s worst (rounds 0.50, 1.50; per request 1.001, 1.002)', pass: true });
    expect(rounds([0.5, 30])).toMatchObject({ pass: false });
    const ns = evaluateTargets({ ...partial, namespace: [{ mode: 'global', backend: 'stack', concurrency: 16, requestsPerSec: spread([300]), cpuMicrosPerRequest: spread([500]), errors: 0, swiftCallsPerRequest: [1.2], extraSwiftCallsPerSecond: [60] }] });
    expect(ns.find((c) => c.target.startsWith('global namespace real stack GET (mode global): ≤ 3 Swift calls'))).toMatchObject({ pass: false });
  });

  it('prints PASS/MISS/n/a lines and markdown tables with ratios', () => {
    const lines = targetLines(checks);
    expect(lines).toContain('PASS  small GET c=16: gateway ops/s ≥ 1.2 × s3api: 1.30×');
    expect(lines).toContain('MISS  listing');
    expect(lines).toContain('n/a   large GET');
    const results: BenchResults = {
      startedAt: '2025-01-01T00:00:00.000Z',
      finishedAt: '2025-01-01T00:10:00.000Z',
      machine: { nproc: 2, cpuModel: 'Test CPU', memTotalGiB: 4, node: 'v20.0.0', kernel: '6.1' },
      loadAverage: { start: [0.5, 0.4, 0.3], end: [1, 0.9, 0.8] },
      options: { rounds: 2, durationS: 3 },
      ...partial,
      standIn: [
        { signing: 'v2', concurrency: 16, requestsPerSec: spread([5000]), cpuMicrosPerRequest: spread([100]), requestsPerCoreSec: spread([10000]), errors: 0 },
        { signing: 'v4', concurrency: 16, unavailable: 'n/a: the gateway answered 501 NotImplemented' },
      ],
      checks,
    };
    const md = markdownReport(results);
    expect(md).toContain('on 2 cores (Test CPU), 4 GiB RAM, Node v20.0.0');
    expect(md).toContain('| GET | 16 | 1300 (1170–1430) | 1500 (1350–1650) | 1000 (900–1100) | 0.87× | 1.30× |');
    expect(md).toContain('| GET | v4 | 16 | n/a |');
    expect(md).toContain('| gateway peak RSS < 150 MB | 160 MB | MISS |');
    expect(fmtSpread(spread([1.234]))).toBe('1.23');
    expect(markdownTable(['a', 'b'], [['1', '2']])).toBe('| a | b |\n| --- | --- |\n| 1 | 2 |');
  });
});

describe('signing', () => {
  it('builds the SigV2 string to sign from method, type, date and path', () => {
    const req: PlainRequest = { method: 'PUT', path: '/b/k%20y', query: '', headers: { 'content-type': 'text/plain', date: 'Tue, 27 Mar 2007 21:15:45 +0000' } };
    expect(stringToSignV2(req)).toBe('PUT\n\ntext/plain\nTue, 27 Mar 2007 21:15:45 +0000\n/b/k%20y');
  });

  it("signs AWS's published SigV4 GET Object example", () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html (Example: GET Object)
    const req: PlainRequest = {
      method: 'GET',
      path: '/test.txt',
      query: '',
      headers: {
        host: 'examplebucket.s3.amazonaws.com',
        range: 'bytes=0-9',
        'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'x-amz-date': '20130524T000000Z',
      },
    };
    signV4(req, { access: 'AKIAIOSFODNN7EXAMPLE', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }, 'us-east-1', new Date());
    expect(req.headers['authorization']).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });
});

describe('the rest of the plumbing', () => {
  it('parses options, --quick defaults and --only', () => {
    const quick = parseOptions(['--quick', '--only', 'small,list']);
    expect(quick).toMatchObject({ quick: true, rounds: 1, durationS: 1, only: ['small', 'list'], signing: 'v2' });
    expect(parseOptions(['--duration=5', '--sign', 'v4'])).toMatchObject({ durationS: 5, rounds: 3, signing: 'v4', largeBytes: 2 ** 30 });
    expect(() => parseOptions(['--only', 'everything'])).toThrow(UsageError);
    expect(parseOptions(['--help'])).toBe('help');
  });

  it('verifies generated bytes and finds the first difference', () => {
    const good = new PatternVerifier();
    const a = patternBlock(0);
    const b = patternBlock(1);
    good.update(a.subarray(0, 1000));
    good.update(Buffer.concat([a.subarray(1000), b.subarray(0, 10)]));
    expect(good.matches(BLOCK_SIZE + 10)).toBe(true);
    const bad = new PatternVerifier();
    bad.update(b); // block 1 where block 0 belongs: its stamp differs
    expect(bad.mismatchAt).toBe(0);
  });

  it('sums Prometheus counters by label', () => {
    const text = 's3gw_keystone_requests_total{kind="token",outcome="ok"} 1\ns3gw_keystone_requests_total{kind="token",outcome="unavailable"} 2\n';
    expect(counterSum(text, 's3gw_keystone_requests_total', { kind: 'token' })).toBe(3);
    expect(counterSum(text, 's3gw_keystone_requests_total', { outcome: 'ok' })).toBe(1);
    expect(gatewayConfig({ port: 1, adminPort: 2, authUrl: 'http://k/v3', credentialsFile: '/c.json' })).toContain('level: warn');
  });

  it('sums the self time of a CPU profile by function, idle apart', () => {
    const frame = (functionName: string) => ({ functionName, url: 'file:///x/node_modules/pkg/a.js', lineNumber: 9 });
    const summary = topSelfTime({
      nodes: [{ id: 1, callFrame: frame('(idle)') }, { id: 2, callFrame: frame('hot') }, { id: 3, callFrame: frame('cold') }],
      samples: [1, 2, 2, 3],
      timeDeltas: [500, 1000, 2000, 1000],
    });
    expect(summary.idleMs).toBe(0.5);
    expect(summary.functions[0]).toMatchObject({ name: 'hot', where: 'pkg/a.js:10', selfMs: 3, percent: 75 });
  });
});
