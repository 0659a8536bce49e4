// The `standin` workload's Keystone and Swift: the fake of test/helpers/fake-swift
// (the one the handler tests use), served over HTTP from the benchmark's own
// process, to measure the gateway's CPU cost alone. It is seeded through its
// own API with what the workload reads; nothing is a canned "any path" answer:
// - the demo user of stack.json (same name, password, domain, project id), member of its project;
// - bucket `standin` with a 4 KiB object `object` (the GET/HEAD key) and the
//   small workload's read keys (`read/000` ... `read/099`);
// - bucket `standin-list` with STAND_IN_LIST_ROWS + 2 keys `key-00000` ..., so a
//   1000-key page (Swift asked for 1001 rows) is truncated, as the local stack's
//   10,000-key bucket answers.
// Listing pages are served from the fake's listing cache (the container does
// not change during the run), as the old stand-in served one serialised page.
// Nothing canned is needed for the CPU figures. One difference shows in them:
// the rows' hashes are real MD5s, as in any Swift listing, where the old
// stand-in wrote `cccc…` hex; the gateway's per-row work costs about 10 % more
// on real hashes (same rows, only the hashes swapped: 1.50 vs 1.65 ms a page
// in-process), so a LIST page measures about that much more than before.
import { FakeSwift, serveFakeSwift, type FakeSwiftServer } from '../test/helpers/fake-swift/index.js';

export const STAND_IN_OBJECT_SIZE = 4096;
/** The bucket the GET workload reads, and the key it reads. */
export const STAND_IN_BUCKET = 'standin';
export const STAND_IN_KEY = 'object';
/** The container whose listing the workload pages through. */
export const STAND_IN_LIST_CONTAINER = 'standin-list';
export const STAND_IN_LIST_ROWS = 1000;

export interface FakeBackendUser {
  readonly username: string;
  readonly password: string;
  readonly domain: string;
  readonly projectId: string;
}

export interface FakeBackend {
  /** Keystone's v3 URL, for the gateway's keystone.authUrl. */
  readonly authUrl: string;
  readonly fake: FakeSwift;
  close(): Promise<void>;
}

/** Last-Modified times spread like a real bucket's (the listing's rows then differ as real ones do). */
function rowTime(i: number): number {
  return Date.UTC(2026, 10, 23, 21, i % 60, (i * 7) % 60) + ((i * 37) % 1000);
}

/**
 * `service`: also the gateway's service user (as keystone.service names it), an
 * admin of its own project, for the global namespace's registry.
 */
export async function startFakeBackend(user: FakeBackendUser, readKeys: readonly string[], service?: FakeBackendUser): Promise<FakeBackend> {
  // No call record: a run makes hundreds of thousands of calls.
  const fake = new FakeSwift({ record: false });
  const demo = fake.addUser({ name: user.username, password: user.password, domainId: user.domain, projectId: user.projectId, project: 'demo', roles: ['member'] });
  if (service) fake.addUser({ name: service.username, password: service.password, domainId: service.domain, projectId: service.projectId, project: 'service', roles: ['admin'] });
  fake.putContainer(demo.account, STAND_IN_BUCKET);
  const body = Buffer.alloc(STAND_IN_OBJECT_SIZE, 0x62);
  for (const key of [STAND_IN_KEY, ...readKeys]) {
    fake.putObject(demo.account, STAND_IN_BUCKET, key, body, { 'content-type': 'application/octet-stream' }, { timestamp: Date.UTC(2024, 0, 1) });
  }
  fake.putContainer(demo.account, STAND_IN_LIST_CONTAINER);
  for (let i = 0; i < STAND_IN_LIST_ROWS + 2; i++) {
    const name = `key-${String(i).padStart(5, '0')}`;
    fake.putObject(demo.account, STAND_IN_LIST_CONTAINER, name, Buffer.alloc(4096 + i, i % 251), { 'content-type': 'application/octet-stream' }, { timestamp: rowTime(i) });
  }
  const server: FakeSwiftServer = await serveFakeSwift(fake);
  return { authUrl: server.authUrl, fake, close: () => server.close() };
}
