// The credentials file's store, replaceable while the gateway runs (reload on
// SIGHUP or on a change of the file): a lookup reads whichever set is current
// when it starts, so a request already past its lookup finishes with the
// credential it found, and none is dropped by a reload.
import { StaticCredentialStore, type Credential, type CredentialStore } from '../auth/credentials.js';

export class SwappableCredentialStore<I> implements CredentialStore<I> {
  #current: StaticCredentialStore<I>;

  constructor(credentials: Iterable<Credential<I>>) {
    this.#current = new StaticCredentialStore(credentials);
  }

  replace(credentials: Iterable<Credential<I>>): void {
    this.#current = new StaticCredentialStore(credentials);
  }

  get size(): number {
    return this.#current.size;
  }

  lookup(accessKeyId: string): Promise<Credential<I> | undefined> {
    return this.#current.lookup(accessKeyId);
  }
}
