// KEKs kept in OpenStack Barbican: each is a symmetric secret (AES, 256 bits;
// `openstack secret order create --algorithm aes --bit-length 256 --mode cbc key`,
// or `openstack secret store` of 32 bytes as application/octet-stream). The
// gateway fetches the key bytes (GET /v1/secrets/<uuid>/payload, Accept:
// application/octet-stream) with its own Keystone service token and wraps data
// keys locally (envelope.ts), so Barbican sees one read per key per cache
// period, not one per object.
//
// Which secrets the gateway may read is Barbican's decision: the secrets of the
// project its token is scoped to (with Keystone's admin role there), and any
// secret whose ACL grants its user `read` (`openstack acl user add --user
// <gateway user id> --operation-type read <secret href>`).
// https://docs.openstack.org/barbican/latest/api/reference/secrets.html
// https://docs.openstack.org/barbican/latest/api/reference/acls.html
//
// Fetched keys are cached for cacheSeconds: while Barbican is down, objects
// under a cached key keep working until it expires; others are 503.
import { LRUCache } from 'lru-cache';
import type { Dispatcher } from 'undici';
import { isS3Error } from '../s3/errors.js';
import { barbicanSecretId } from './barbican-key-id.js';
import { KEK_BYTES, additionalData, unwrapDataKey, wrapDataKey } from './envelope.js';
import { keyAccessDenied, keyManagerUnavailable, keyNotFound, keyUnusable } from './errors.js';
import type { KeyProvider, WrapContext, WrappedKey } from './provider.js';

export interface BarbicanOptions {
  /** Barbican's base URL (with or without /v1): the setting, or keyManagerFromCatalog. */
  readonly endpoint: () => Promise<string>;
  /** A Keystone token of the gateway's service identity (cached by the caller). */
  readonly token: () => Promise<string>;
  /** Called when Barbican refuses the token (401): the next token() must be a new one. */
  readonly invalidateToken: () => void;
  readonly dispatcher: Dispatcher;
  /** The secret new objects are wrapped with when the client names none (uuid or href). */
  readonly defaultKeyId?: string;
  readonly cacheSeconds: number;
  readonly timeoutMs: number;
  /** Most keys cached (default 1000). */
  readonly maxKeys?: number;
  /** How long an unknown secret is answered NotFound without asking again (default 10 s). */
  readonly notFoundCacheMs?: number;
  readonly now?: () => number;
}

export class BarbicanProvider implements KeyProvider {
  readonly name = 'barbican';
  readonly #opts: BarbicanOptions;
  readonly #keys: LRUCache<string, Buffer>;
  readonly #missing: LRUCache<string, true>;

  constructor(opts: BarbicanOptions) {
    this.#opts = opts;
    const perf = { now: () => (opts.now ?? Date.now)() };
    // ttlResolution 0: expiry is judged by the clock at each read (lru-cache otherwise reuses a reading for 1 ms).
    this.#missing = new LRUCache({ max: 1000, ttl: opts.notFoundCacheMs ?? 10_000, ttlResolution: 0, perf });
    this.#keys = new LRUCache<string, Buffer>({
      max: opts.maxKeys ?? 1000,
      ttl: Math.max(1, opts.cacheSeconds) * 1000,
      ttlAutopurge: false,
      ttlResolution: 0,
      perf,
      // Single flight: concurrent requests for one uncached key share ONE Barbican call.
      fetchMethod: (uuid) => this.#fetchKey(uuid),
    });
  }

  /** The uuid of a key id, or NotFound: a key id that names no Barbican secret is a key Barbican does not hold. */
  #secretId(keyId: string): string {
    const uuid = barbicanSecretId(keyId);
    if (!uuid) throw keyNotFound(keyId, 'Barbican (a key id is a secret uuid or href)');
    return uuid;
  }

  async #kek(uuid: string): Promise<Buffer> {
    const cached = this.#keys.get(uuid);
    if (cached) return cached;
    if (this.#missing.get(uuid)) throw keyNotFound(uuid, 'Barbican');
    try {
      const kek = await this.#keys.fetch(uuid);
      if (!kek) throw keyManagerUnavailable('Barbican returned no key');
      return kek;
    } catch (err) {
      if (isS3Error(err) && err.code === 'KMS.NotFoundException') this.#missing.set(uuid, true);
      throw err;
    }
  }

  async wrap(dataKey: Buffer, context: WrapContext, keyId?: string): Promise<WrappedKey> {
    const requested = keyId ?? this.#opts.defaultKeyId;
    if (requested === undefined) throw keyNotFound('(none)', 'no key id was given and encryption.barbican.defaultKeyId is not set; Barbican');
    const uuid = this.#secretId(requested);
    const kek = await this.#kek(uuid);
    return { keyId: uuid, wrapped: wrapDataKey(kek, dataKey, additionalData(this.name, uuid, context)) };
  }

  async unwrap(wrapped: string, context: WrapContext, keyId: string): Promise<Buffer> {
    const uuid = this.#secretId(keyId);
    return unwrapDataKey(await this.#kek(uuid), wrapped, additionalData(this.name, uuid, context));
  }

  /** One payload read; a refused token is renewed once. */
  async #fetchKey(uuid: string): Promise<Buffer> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.#get(uuid);
      const status = response.statusCode;
      if (status === 200) {
        const kek = Buffer.from(await response.body.arrayBuffer());
        if (kek.length !== KEK_BYTES) throw keyUnusable(uuid, `its payload is ${kek.length} bytes, not a 256-bit key`);
        return kek;
      }
      await response.body.dump();
      if (status === 401 && attempt === 0) {
        this.#opts.invalidateToken();
        continue;
      }
      if (status === 401) throw keyManagerUnavailable('Barbican refuses the gateway\'s Keystone token');
      if (status === 403) throw keyAccessDenied(uuid, 'Barbican does not let the gateway read this secret (grant the gateway\'s user read in the secret\'s ACL)');
      if (status === 404) throw keyNotFound(uuid, 'Barbican');
      // 406: the secret's payload is not binary (stored as text/plain).
      if (status === 406 || status === 400) throw keyUnusable(uuid, 'its payload is not application/octet-stream');
      throw keyManagerUnavailable(`Barbican answered ${status}`);
    }
  }

  async #get(uuid: string): Promise<Dispatcher.ResponseData> {
    let url: URL;
    let token: string;
    try {
      const base = (await this.#opts.endpoint()).replace(/\/+$/, '').replace(/\/v1$/, '');
      url = new URL(`${base}/v1/secrets/${uuid}/payload`);
      token = await this.#opts.token();
    } catch (err) {
      if (isS3Error(err)) throw err;
      throw keyManagerUnavailable('no Keystone token or Barbican endpoint for the gateway', err);
    }
    try {
      return await this.#opts.dispatcher.request({
        origin: url.origin,
        path: url.pathname,
        method: 'GET',
        headers: { accept: 'application/octet-stream', 'x-auth-token': token },
        headersTimeout: this.#opts.timeoutMs,
        bodyTimeout: this.#opts.timeoutMs,
      });
    } catch (err) {
      throw keyManagerUnavailable('Barbican cannot be reached', err);
    }
  }
}
