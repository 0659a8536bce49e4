// The bucket namespace as one signed request's requester sees it: what
// CreateBucket, DeleteBucket and the bucket-settings operations call (they
// know nothing of the registry behind it; see operations/context.ts).
import type { BucketNamespace } from '../operations/context.js';
import { s3Error } from '../s3/errors.js';
import type { BucketOwnerInfo } from './record.js';
import { RegistryBusy, type BucketRegistry } from './registry.js';
import type { BucketResolver } from './resolve.js';

export function requesterNamespace(
  registry: BucketRegistry,
  resolver: BucketResolver,
  who: { readonly account: string; readonly owner: BucketOwnerInfo },
  now: () => number,
): BucketNamespace {
  return {
    async claim(bucket) {
      resolver.forgetLocal(bucket, who.account);
      const claimed = await registry.claim(bucket, { account: who.account, owner: who.owner, registered: new Date(now()).toISOString(), settings: {} }).catch((err: unknown) => {
        if (err instanceof RegistryBusy) throw s3Error('OperationAborted', { BucketName: bucket }, 'Others are creating a bucket of this name at this moment; please try again.');
        throw err;
      });
      if (claimed.won) return 'claimed';
      return claimed.record?.account === who.account ? 'ours' : 'taken';
    },
    async release(bucket) {
      resolver.forgetLocal(bucket, who.account);
      await registry.release(bucket, who.account);
    },
    async updateSettings(bucket, change) {
      return (await registry.updateSettings(bucket, who.account, change)) !== undefined;
    },
  };
}
