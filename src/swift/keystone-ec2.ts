// Keystone's EC2-credential store, as the gateway's service identity reads it:
// GET /v3/credentials/{sha256(access)} names the key's user and project and
// holds its secret (Keystone files an EC2 credential under the SHA-256 of its
// access key), so one call tells an unknown key from a known one, and the
// signature is then verified locally with the secret.
// https://docs.openstack.org/api-ref/identity/v3/#credentials
import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { UpstreamUnavailable } from './errors.js';
import type { KeystoneIdentity, KeystoneTokens } from './keystone.js';

export interface StoredEc2Credential {
  readonly secret: string;
  readonly userId: string;
  readonly projectId: string;
}

export type Ec2CallKind = 'ec2_credential';

export interface Ec2Options {
  readonly authUrl: string;
  readonly dispatcher: Dispatcher;
  readonly tokens: Pick<KeystoneTokens, 'get' | 'invalidate'>;
  readonly service: KeystoneIdentity;
  readonly timeoutMs: number;
  readonly events?: { call?(kind: Ec2CallKind, outcome: 'ok' | 'rejected' | 'unavailable', seconds: number): void };
}

export class KeystoneEc2 {
  readonly #opts: Ec2Options;
  readonly #base: URL;

  constructor(opts: Ec2Options) {
    this.#opts = opts;
    this.#base = new URL(opts.authUrl.replace(/\/+$/, '') + '/');
  }

  /** The key as Keystone stores it, or undefined if Keystone does not hold it (or it is not an EC2 key). */
  async credential(access: string): Promise<StoredEc2Credential | undefined> {
    const id = createHash('sha256').update(access).digest('hex');
    const res = await this.#get(`credentials/${id}`);
    if (res.status === 403 || res.status === 401) {
      // Not the client's fault: the operator must give the service identity Keystone's admin role.
      throw new Error(`Keystone refused the gateway's service identity reading EC2 credentials (${res.status}); it needs the admin role`);
    }
    if (res.status !== 200) return undefined;
    const c = (JSON.parse(res.text) as { credential?: { type?: string; blob?: string; user_id?: string; project_id?: string } }).credential;
    if (c?.type !== 'ec2' || !c.user_id || !c.project_id) return undefined;
    let blob: { access?: unknown; secret?: unknown };
    try {
      blob = JSON.parse(c.blob ?? '{}') as typeof blob;
    } catch {
      return undefined;
    }
    if (blob.access !== access || typeof blob.secret !== 'string' || blob.secret === '') return undefined;
    return { secret: blob.secret, userId: c.user_id, projectId: c.project_id };
  }

  /** One GET with the service token; a refused service token is renewed once. 5xx or no answer: UpstreamUnavailable. */
  async #get(path: string): Promise<{ status: number; text: string }> {
    const kind: Ec2CallKind = 'ec2_credential';
    for (let attempt = 0; ; attempt++) {
      const token = await this.#opts.tokens.get(this.#opts.service);
      const started = Date.now();
      const url = new URL(path, this.#base);
      let res: Dispatcher.ResponseData;
      try {
        res = await this.#opts.dispatcher.request({
          origin: url.origin,
          path: url.pathname,
          method: 'GET',
          headers: { 'x-auth-token': token.token, accept: 'application/json' },
          headersTimeout: this.#opts.timeoutMs,
          bodyTimeout: this.#opts.timeoutMs,
        });
      } catch (err) {
        this.#opts.events?.call?.(kind, 'unavailable', (Date.now() - started) / 1000);
        throw new UpstreamUnavailable('keystone', `Keystone is unreachable: ${(err as Error).message}`, { cause: err });
      }
      const text = await res.body.text();
      const seconds = (Date.now() - started) / 1000;
      if (res.statusCode >= 500) {
        this.#opts.events?.call?.(kind, 'unavailable', seconds);
        throw new UpstreamUnavailable('keystone', `Keystone answered ${res.statusCode} to ${kind}`);
      }
      if (res.statusCode === 401 && attempt === 0) {
        this.#opts.tokens.invalidate(this.#opts.service);
        continue;
      }
      this.#opts.events?.call?.(kind, res.statusCode === 200 ? 'ok' : 'rejected', seconds);
      return { status: res.statusCode, text };
    }
  }
}
