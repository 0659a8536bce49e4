// The cluster's limits, from Swift's public `/info` (capabilities) endpoint:
// https://docs.openstack.org/swift/latest/api/discoverability.html
// Read once per Swift origin and refreshed now and then; Swift's own defaults
// apply while /info cannot be read.
import type { Dispatcher } from 'undici';

export interface SwiftLimits {
  readonly maxFileSize: number;
  readonly accountListingLimit: number;
  readonly containerListingLimit: number;
  readonly maxObjectNameLength: number;
  readonly maxManifestSegments: number;
  readonly minSegmentSize: number;
  /** Per object: most X-Object-Meta-* items, longest name and value (bytes), most bytes of names and values together. */
  readonly maxMetaCount: number;
  readonly maxMetaNameLength: number;
  readonly maxMetaValueLength: number;
  readonly maxMetaOverallSize: number;
  /** Objects one bulk-delete request may name (/info `bulk_delete`); 0 when the proxy has no bulk middleware. */
  readonly bulkDeleteMax: number;
}

export const SWIFT_DEFAULT_LIMITS: SwiftLimits = {
  maxFileSize: 5_368_709_122,
  accountListingLimit: 10_000,
  containerListingLimit: 10_000,
  maxObjectNameLength: 1024,
  maxManifestSegments: 1000,
  minSegmentSize: 1,
  // swift/common/constraints.py defaults.
  maxMetaCount: 90,
  maxMetaNameLength: 128,
  maxMetaValueLength: 256,
  maxMetaOverallSize: 4096,
  // Unknown until /info says so: no bulk deletes.
  bulkDeleteMax: 0,
};

interface InfoBody {
  swift?: Record<string, unknown>;
  slo?: Record<string, unknown>;
  bulk_delete?: Record<string, unknown>;
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function limitsFromInfo(info: InfoBody): SwiftLimits {
  const swift = info.swift ?? {};
  const slo = info.slo ?? {};
  const d = SWIFT_DEFAULT_LIMITS;
  return {
    maxFileSize: num(swift['max_file_size'], d.maxFileSize),
    accountListingLimit: num(swift['account_listing_limit'], d.accountListingLimit),
    containerListingLimit: num(swift['container_listing_limit'], d.containerListingLimit),
    maxObjectNameLength: num(swift['max_object_name_length'], d.maxObjectNameLength),
    maxManifestSegments: num(slo['max_manifest_segments'], d.maxManifestSegments),
    minSegmentSize: num(slo['min_segment_size'], d.minSegmentSize),
    maxMetaCount: num(swift['max_meta_count'], d.maxMetaCount),
    maxMetaNameLength: num(swift['max_meta_name_length'], d.maxMetaNameLength),
    maxMetaValueLength: num(swift['max_meta_value_length'], d.maxMetaValueLength),
    maxMetaOverallSize: num(swift['max_meta_overall_size'], d.maxMetaOverallSize),
    // Swift's bulk middleware defaults to 10,000 per request when it is there.
    bulkDeleteMax: info.bulk_delete ? num(info.bulk_delete['max_deletes_per_request'], 10_000) : 0,
  };
}

export interface SwiftInfoOptions {
  /** How long limits read from /info are used before they are read again. */
  readonly ttlMs?: number;
  /** Longest wait for /info (the backend passes min(swift.headersTimeoutMs, 5 s)). */
  readonly timeoutMs?: number;
  /**
   * After /info could not be read, how long the last known limits (or
   * Swift's defaults) are used before it is tried again: with Swift slow or
   * unreachable, every write would otherwise wait out one more timeout for
   * /info before its own call (found by the slow-Swift fault test: a PUT took
   * 13 s against a 1.5 s swift.headersTimeoutMs, two /info waits of 5 s).
   */
  readonly retryAfterMs?: number;
  readonly now?: () => number;
}

export class SwiftInfo {
  readonly #dispatcher: Dispatcher;
  readonly #ttlMs: number;
  readonly #timeoutMs: number;
  readonly #retryAfterMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { limits: SwiftLimits; freshUntil: number; pending?: Promise<SwiftLimits> }>();

  constructor(dispatcher: Dispatcher, opts: SwiftInfoOptions = {}) {
    this.#dispatcher = dispatcher;
    this.#ttlMs = opts.ttlMs ?? 10 * 60 * 1000;
    this.#timeoutMs = opts.timeoutMs ?? 5000;
    this.#retryAfterMs = opts.retryAfterMs ?? 10_000;
    this.#now = opts.now ?? Date.now;
  }

  /** Limits of the Swift cluster serving this storage URL. Never throws. */
  async limits(storageUrl: string): Promise<SwiftLimits> {
    const origin = new URL(storageUrl).origin;
    const entry = this.#entries.get(origin);
    if (entry && this.#now() < entry.freshUntil) return entry.limits;
    if (entry?.pending) return entry.pending;
    const known = entry?.limits ?? SWIFT_DEFAULT_LIMITS;
    const pending = this.#fetch(origin).then((read) => {
      const limits = read ?? known;
      this.#entries.set(origin, { limits, freshUntil: this.#now() + (read ? this.#ttlMs : this.#retryAfterMs) });
      return limits;
    });
    this.#entries.set(origin, { limits: known, freshUntil: entry?.freshUntil ?? 0, pending });
    return pending;
  }

  /** The limits /info lists; undefined when it could not be read. */
  async #fetch(origin: string): Promise<SwiftLimits | undefined> {
    try {
      const res = await this.#dispatcher.request({
        origin, path: '/info', method: 'GET',
        headersTimeout: this.#timeoutMs, bodyTimeout: this.#timeoutMs, signal: AbortSignal.timeout(this.#timeoutMs),
      });
      if (res.statusCode !== 200) {
        await res.body.dump();
        return undefined;
      }
      return limitsFromInfo((await res.body.json()) as InfoBody);
    } catch {
      return undefined;
    }
  }
}

/** One storage policy of the cluster, as /info lists it (`swift.policies`). */
export interface StoragePolicy {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly isDefault: boolean;
}

/** The policies a /info body lists (a cluster without the list has one, the default `Policy-0`). */
export function policiesFromInfo(info: InfoBody): StoragePolicy[] {
  const list = Array.isArray(info.swift?.['policies']) ? (info.swift['policies'] as Record<string, unknown>[]) : [];
  const policies = list.filter((p) => typeof p?.['name'] === 'string').map((p) => ({
    name: p['name'] as string,
    // Swift gives aliases as one comma-separated text, the name among them.
    aliases: typeof p['aliases'] === 'string' ? p['aliases'].split(',').map((a) => a.trim()).filter(Boolean) : [],
    isDefault: p['default'] === true,
  }));
  return policies.length > 0 ? policies : [{ name: 'Policy-0', aliases: [], isDefault: true }];
}

/** The cluster's storage policies, read from /info at `origin`; throws when /info cannot be read. */
export async function fetchStoragePolicies(dispatcher: Dispatcher, origin: string): Promise<StoragePolicy[]> {
  const res = await dispatcher.request({ origin, path: '/info', method: 'GET', headersTimeout: 5000, bodyTimeout: 5000 });
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new Error(`GET ${origin}/info answered ${res.statusCode}`);
  }
  return policiesFromInfo((await res.body.json()) as InfoBody);
}
