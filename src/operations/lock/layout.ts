// Where a bucket's Object Lock records live: its hidden `<bucket>+locks`
// container (see records.ts). Bucket names cannot hold `+`, so no bucket is
// ever named so.
export const LOCKS_SUFFIX = '+locks';
export const locksContainer = (bucket: string): string => bucket + LOCKS_SUFFIX;
