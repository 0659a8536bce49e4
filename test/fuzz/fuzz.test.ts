// The request fuzzer (issue 19) against the real local stack. In the test
// suite: a short run with a fixed seed. `npm run fuzz`: FUZZ_REQUESTS (100,000)
// requests from FUZZ_SEED (random, printed), with progress lines; FUZZ_ONLY
// replays one reported case; FUZZ_EXAMPLES=1 shows a request for each status.
import { expect, it } from 'vitest';
import { formatResult, runCampaign } from './campaign.js';

const requests = Number(process.env['FUZZ_REQUESTS'] ?? 1500);
const seed = Number(process.env['FUZZ_SEED'] ?? 19);
const only = process.env['FUZZ_ONLY'] === undefined ? undefined : Number(process.env['FUZZ_ONLY']);

it(`answers ${only === undefined ? requests : 1} fuzzed requests (seed ${seed}) with well-formed S3 answers, no 500, and writes nothing it may not`, async () => {
  const result = await runCampaign({
    seed, requests, only, concurrency: Number(process.env['FUZZ_CONCURRENCY'] ?? 8),
    progress: (line) => console.log(line), progressEvery: requests >= 20_000 ? 5000 : 500,
  });
  const report = formatResult(result, 20, process.env['FUZZ_EXAMPLES'] === '1');
  console.log(report);
  expect(result.failureCount, report).toBe(0);
  expect(result.gatewayErrors, report).toEqual([]);
  expect(result.victimChanges, report).toEqual([]);
}, process.env['FUZZ_REQUESTS'] === undefined ? 600_000 : 24 * 3_600_000);
