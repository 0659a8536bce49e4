// The request fuzzer (issue 19) against the real local stack. In the test
// suite: a short run with a fixed seed. `npm run fuzz`: FUZZ_REQUESTS (100,000)
// requests from FUZZ_SEED (random, printed), with progress lines; FUZZ_ONLY
// replays one reported case.
import { expect, it } from 'vitest';
import { formatResult, runCampaign } from './campaign.js';

const requests = Number(process.env['FUZZ_REQUESTS'] ?? 2000);
const seed = Number(process.env['FUZZ_SEED'] ?? 19);
const only = process.env['FUZZ_ONLY'] === undefined ? undefined : Number(process.env['FUZZ_ONLY']);

it(`answers ${only === undefined ? requests : 1} fuzzed requests (seed ${seed}) with well-formed S3 answers, no 500, and writes nothing it may not`, async () => {
  const result = await runCampaign({
    seed, requests, only, concurrency: Number(process.env['FUZZ_CONCURRENCY'] ?? 8),
    progress: (line) => console.log(line), progressEvery: requests >= 20_000 ? 5000 : 500,
  });
  const report = formatResult(result);
  console.log(report);
  expect(result.failures.length, report).toBe(0);
  expect(result.gatewayErrors, report).toEqual([]);
  expect(result.victimChanges, report).toEqual([]);
}, 3_600_000 * 4);
