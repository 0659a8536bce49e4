// Bucket lifecycle as S3 has it: the LifecycleConfiguration document of
// PutBucketLifecycleConfiguration (and of the older PutBucketLifecycle, whose
// rules name a Prefix instead of a Filter), parsed and validated as S3 does,
// and rendered back (s3/lifecycle-document.ts). The rules' meaning
// (which objects a rule matches, when they expire) is in s3/lifecycle-rules.ts.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
import { randomBytes } from 'node:crypto';
import { s3Error } from './errors.js';
import { checkActions } from './lifecycle-checks.js';
export { ruleTags } from './lifecycle-checks.js';
import { parseXml } from './xml.js';

export interface LifecycleTag {
  readonly key: string;
  readonly value: string;
}

/** A rule's Filter as the client wrote it: at most one predicate, or several inside And. */
export interface LifecycleFilter {
  readonly prefix?: string;
  readonly tag?: LifecycleTag;
  readonly sizeGreaterThan?: number;
  readonly sizeLessThan?: number;
  readonly and?: { readonly prefix?: string; readonly tags: readonly LifecycleTag[]; readonly sizeGreaterThan?: number; readonly sizeLessThan?: number };
}

export interface LifecycleTransition {
  readonly days?: number;
  /** ISO 8601, midnight UTC. */
  readonly date?: string;
  readonly storageClass: string;
}

export interface NoncurrentTransition {
  readonly noncurrentDays: number;
  readonly newerNoncurrentVersions?: number;
  readonly storageClass: string;
}

export interface LifecycleRule {
  readonly id: string;
  readonly status: 'Enabled' | 'Disabled';
  /** The legacy form (PutBucketLifecycle): a Prefix beside the actions, no Filter. */
  readonly prefix?: string;
  readonly filter?: LifecycleFilter;
  readonly expiration?: { readonly days?: number; readonly date?: string; readonly expiredObjectDeleteMarker?: boolean };
  readonly noncurrentExpiration?: { readonly noncurrentDays: number; readonly newerNoncurrentVersions?: number };
  readonly abortIncomplete?: { readonly daysAfterInitiation: number };
  readonly transitions: readonly LifecycleTransition[];
  readonly noncurrentTransitions: readonly NoncurrentTransition[];
}

export type TransitionMinimumSize = 'all_storage_classes_128K' | 'varies_by_storage_class';

export interface LifecycleConfiguration {
  readonly rules: readonly LifecycleRule[];
  /** x-amz-transition-default-minimum-object-size (S3's default since 2024: all_storage_classes_128K). */
  readonly transitionMinimumSize: TransitionMinimumSize;
}

export const MAX_LIFECYCLE_RULES = 1000;
/** A thousand rules of a few hundred bytes each; far below what a registry record may hold. */
export const MAX_LIFECYCLE_BYTES = 1024 * 1024;
/** The storage classes a Transition may name (LifecycleRule → Transition → StorageClass). */
export const TRANSITION_CLASSES: ReadonlySet<string> = new Set(['GLACIER', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'DEEP_ARCHIVE', 'GLACIER_IR']);
/** S3 keeps objects at least 30 days in STANDARD before these (lifecycle-transition-general-considerations.html). */
const THIRTY_DAY_CLASSES: ReadonlySet<string> = new Set(['STANDARD_IA', 'ONEZONE_IA']);
const MINIMUM_SIZES: ReadonlySet<string> = new Set(['all_storage_classes_128K', 'varies_by_storage_class']);

const RULE_ELEMENTS = new Set(['ID', 'Prefix', 'Filter', 'Status', 'Expiration', 'NoncurrentVersionExpiration', 'AbortIncompleteMultipartUpload', 'Transition', 'NoncurrentVersionTransition']);

type Doc = Record<string, unknown>;

const malformed = (why: string) => s3Error('MalformedXML', {}, why);
const invalid = (name: string, value: string | undefined, why: string) => s3Error('InvalidArgument', { ArgumentName: name, ArgumentValue: value }, why);
const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** An element's text ('' for an empty element), or MalformedXML when it has children. */
function text(v: unknown, name: string): string {
  if (v === '' || v === undefined) return '';
  if (typeof v !== 'string') throw malformed(`${name} must be text.`);
  return v;
}
function element(v: unknown, name: string): Doc {
  if (v === '') return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw malformed(`${name} must be an element.`);
  return v as Doc;
}
function only(doc: Doc, allowed: readonly string[], where: string): void {
  for (const name of Object.keys(doc)) if (!allowed.includes(name)) throw malformed(`Unknown element ${name} in ${where}.`);
}

/** A whole number in an element; `min` the smallest S3 accepts. */
function integer(v: unknown, name: string, min: number, why: string): number {
  const raw = text(v, name).trim();
  if (!/^-?\d+$/.test(raw)) throw malformed(`${name} must be a whole number.`);
  const n = Number(raw);
  if (n < min || !Number.isSafeInteger(n)) throw invalid(name, raw, why);
  return n;
}

/** A lifecycle Date: ISO 8601 at midnight UTC, rendered back as S3 does (`2026-01-01T00:00:00.000Z`). */
function midnight(v: unknown, name: string): string {
  const raw = text(v, name).trim();
  const ms = /^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw) ? Date.parse(raw.length === 10 ? `${raw}T00:00:00Z` : raw) : NaN;
  if (Number.isNaN(ms)) throw invalid(name, raw, `'${name}' must be an ISO 8601 date.`);
  if (ms % 86_400_000 !== 0) throw invalid(name, raw, `'${name}' must be at midnight GMT`);
  return new Date(ms).toISOString();
}

function tagOf(v: unknown, where: string): LifecycleTag {
  const t = element(v, where);
  only(t, ['Key', 'Value'], where);
  if (t['Key'] === undefined) throw malformed(`${where} needs a Key.`);
  const key = text(t['Key'], 'Key');
  const value = text(t['Value'], 'Value');
  if (key.length === 0 || [...key].length > 128) throw invalid('Tag', key, 'A tag key is 1 to 128 characters.');
  if ([...value].length > 256) throw invalid('Tag', key, 'A tag value is at most 256 characters.');
  return { key, value };
}

function sizes(doc: Doc): { sizeGreaterThan?: number; sizeLessThan?: number } {
  const out: { sizeGreaterThan?: number; sizeLessThan?: number } = {};
  if (doc['ObjectSizeGreaterThan'] !== undefined) out.sizeGreaterThan = integer(doc['ObjectSizeGreaterThan'], 'ObjectSizeGreaterThan', 0, 'ObjectSizeGreaterThan must be a non-negative number of bytes.');
  if (doc['ObjectSizeLessThan'] !== undefined) out.sizeLessThan = integer(doc['ObjectSizeLessThan'], 'ObjectSizeLessThan', 1, 'ObjectSizeLessThan must be a positive number of bytes.');
  if (out.sizeGreaterThan !== undefined && out.sizeLessThan !== undefined && out.sizeLessThan <= out.sizeGreaterThan) {
    throw invalid('ObjectSizeLessThan', String(out.sizeLessThan), 'ObjectSizeLessThan must be greater than ObjectSizeGreaterThan.');
  }
  return out;
}

function filterOf(v: unknown): LifecycleFilter {
  const f = element(v, 'Filter');
  only(f, ['Prefix', 'Tag', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan', 'And'], 'Filter');
  // S3: a Filter holds exactly one predicate; several are combined with And.
  if (Object.keys(f).length > 1) throw malformed('A Filter holds one of Prefix, Tag, ObjectSizeGreaterThan, ObjectSizeLessThan or And; combine several with And.');
  if (f['Prefix'] !== undefined) return { prefix: text(f['Prefix'], 'Prefix') };
  if (f['Tag'] !== undefined) {
    const tags = list(f['Tag']);
    if (tags.length !== 1) throw malformed('A Filter holds one Tag; combine several with And.');
    return { tag: tagOf(tags[0], 'Tag') };
  }
  if (f['And'] !== undefined) {
    const a = element(f['And'], 'And');
    only(a, ['Prefix', 'Tag', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan'], 'And');
    const tags = list(a['Tag']).map((t) => tagOf(t, 'Tag'));
    const keys = new Set(tags.map((t) => t.key));
    if (keys.size !== tags.length) throw s3Error('InvalidRequest', {}, 'Duplicate Tag Keys are not allowed.');
    const prefix = a['Prefix'] === undefined ? undefined : text(a['Prefix'], 'Prefix');
    const and = { ...(prefix !== undefined ? { prefix } : {}), tags, ...sizes(a) };
    const predicates = (prefix !== undefined ? 1 : 0) + tags.length + (and.sizeGreaterThan !== undefined ? 1 : 0) + (and.sizeLessThan !== undefined ? 1 : 0);
    if (predicates === 0) throw malformed('And needs at least one predicate.');
    return { and };
  }
  return sizes(f);
}

function expirationOf(v: unknown): NonNullable<LifecycleRule['expiration']> {
  const e = element(v, 'Expiration');
  only(e, ['Days', 'Date', 'ExpiredObjectDeleteMarker'], 'Expiration');
  const given = Object.keys(e);
  if (given.length !== 1) {
    if (given.length === 0) throw malformed('Expiration needs Days, Date or ExpiredObjectDeleteMarker.');
    // LifecycleExpiration: ExpiredObjectDeleteMarker "cannot be specified with Days or Date".
    throw malformed('Expiration takes one of Days, Date or ExpiredObjectDeleteMarker.');
  }
  if (e['Days'] !== undefined) return { days: integer(e['Days'], 'Days', 1, "'Days' for Expiration action must be a positive integer") };
  if (e['Date'] !== undefined) return { date: midnight(e['Date'], 'Date') };
  const marker = text(e['ExpiredObjectDeleteMarker'], 'ExpiredObjectDeleteMarker').trim().toLowerCase();
  if (marker !== 'true' && marker !== 'false') throw malformed('ExpiredObjectDeleteMarker is true or false.');
  return { expiredObjectDeleteMarker: marker === 'true' };
}

/** NewerNoncurrentVersions: S3 keeps 1 to 100 of them. */
function noncurrentCount(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = integer(v, 'NewerNoncurrentVersions', 1, 'NewerNoncurrentVersions must be from 1 to 100.');
  if (n > 100) throw invalid('NewerNoncurrentVersions', String(n), 'NewerNoncurrentVersions must be from 1 to 100.');
  return n;
}

function storageClassOf(v: unknown, where: string): string {
  if (v === undefined) throw malformed(`${where} needs a StorageClass.`);
  const cls = text(v, 'StorageClass').trim();
  if (!TRANSITION_CLASSES.has(cls)) throw malformed(`${where} StorageClass must be one of ${[...TRANSITION_CLASSES].join(', ')}.`);
  return cls;
}

function transitionOf(v: unknown): LifecycleTransition {
  const t = element(v, 'Transition');
  only(t, ['Days', 'Date', 'StorageClass'], 'Transition');
  const storageClass = storageClassOf(t['StorageClass'], 'Transition');
  if ((t['Days'] === undefined) === (t['Date'] === undefined)) throw malformed('A Transition takes one of Days or Date.');
  if (t['Date'] !== undefined) return { date: midnight(t['Date'], 'Date'), storageClass };
  const days = integer(t['Days'], 'Days', 0, "'Days' in Transition action must be a non-negative integer");
  if (THIRTY_DAY_CLASSES.has(storageClass) && days < 30) {
    throw invalid('Days', String(days), `'Days' in Transition action must be greater than or equal to 30 for storageClass '${storageClass}'`);
  }
  return { days, storageClass };
}

function noncurrentTransitionOf(v: unknown): NoncurrentTransition {
  const t = element(v, 'NoncurrentVersionTransition');
  only(t, ['NoncurrentDays', 'NewerNoncurrentVersions', 'StorageClass'], 'NoncurrentVersionTransition');
  const storageClass = storageClassOf(t['StorageClass'], 'NoncurrentVersionTransition');
  if (t['NoncurrentDays'] === undefined) throw malformed('A NoncurrentVersionTransition needs NoncurrentDays.');
  const noncurrentDays = integer(t['NoncurrentDays'], 'NoncurrentDays', 0, "'NoncurrentDays' in NoncurrentVersionTransition action must be a non-negative integer");
  if (THIRTY_DAY_CLASSES.has(storageClass) && noncurrentDays < 30) {
    throw invalid('NoncurrentDays', String(noncurrentDays), `'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to 30 for storageClass '${storageClass}'`);
  }
  const newer = noncurrentCount(t['NewerNoncurrentVersions']);
  return { noncurrentDays, storageClass, ...(newer !== undefined ? { newerNoncurrentVersions: newer } : {}) };
}

/** S3 names a rule sent without an ID. */
const generatedId = (): string => randomBytes(36).toString('base64').replace(/[+/=]/g, '').slice(0, 48);

function ruleOf(raw: unknown): LifecycleRule {
  const r = element(raw, 'Rule');
  for (const name of Object.keys(r)) if (!RULE_ELEMENTS.has(name)) throw malformed(`Unknown element ${name} in Rule.`);
  const id = r['ID'] === undefined ? generatedId() : text(r['ID'], 'ID');
  if (id.length > 255) throw invalid('ID', id, 'ID length should not exceed allowed limit of 255');
  const status = text(r['Status'], 'Status').trim();
  if (status !== 'Enabled' && status !== 'Disabled') throw malformed('Status is Enabled or Disabled.');
  if (r['Prefix'] !== undefined && r['Filter'] !== undefined) throw malformed('A Rule has a Filter or a Prefix, not both.');
  if (r['Prefix'] === undefined && r['Filter'] === undefined) throw malformed('A Rule needs a Filter (or, in the older form, a Prefix).');
  const noncurrent = r['NoncurrentVersionExpiration'] === undefined ? undefined : element(r['NoncurrentVersionExpiration'], 'NoncurrentVersionExpiration');
  if (noncurrent) only(noncurrent, ['NoncurrentDays', 'NewerNoncurrentVersions'], 'NoncurrentVersionExpiration');
  if (noncurrent && noncurrent['NoncurrentDays'] === undefined) throw malformed('NoncurrentVersionExpiration needs NoncurrentDays.');
  const abort = r['AbortIncompleteMultipartUpload'] === undefined ? undefined : element(r['AbortIncompleteMultipartUpload'], 'AbortIncompleteMultipartUpload');
  if (abort) only(abort, ['DaysAfterInitiation'], 'AbortIncompleteMultipartUpload');
  if (abort && abort['DaysAfterInitiation'] === undefined) throw malformed('AbortIncompleteMultipartUpload needs DaysAfterInitiation.');
  const newer = noncurrent && noncurrentCount(noncurrent['NewerNoncurrentVersions']);
  const rule: LifecycleRule = {
    id,
    status,
    ...(r['Prefix'] !== undefined ? { prefix: text(r['Prefix'], 'Prefix') } : { filter: filterOf(r['Filter']) }),
    ...(r['Expiration'] !== undefined ? { expiration: expirationOf(r['Expiration']) } : {}),
    ...(noncurrent ? {
      noncurrentExpiration: {
        noncurrentDays: integer(noncurrent['NoncurrentDays'], 'NoncurrentDays', 1, "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer"),
        ...(newer !== undefined ? { newerNoncurrentVersions: newer } : {}),
      },
    } : {}),
    ...(abort ? { abortIncomplete: { daysAfterInitiation: integer(abort['DaysAfterInitiation'], 'DaysAfterInitiation', 1, "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer") } } : {}),
    transitions: list(r['Transition']).map(transitionOf),
    noncurrentTransitions: list(r['NoncurrentVersionTransition']).map(noncurrentTransitionOf),
  };
  checkActions(rule);
  return rule;
}

/** The x-amz-transition-default-minimum-object-size header, or S3's default. */
export function parseTransitionMinimumSize(value: string | undefined): TransitionMinimumSize {
  if (value === undefined) return 'all_storage_classes_128K';
  if (!MINIMUM_SIZES.has(value.trim())) {
    throw invalid('x-amz-transition-default-minimum-object-size', value, 'x-amz-transition-default-minimum-object-size is all_storage_classes_128K or varies_by_storage_class.');
  }
  return value.trim() as TransitionMinimumSize;
}

/** The rules of a PutBucketLifecycleConfiguration (or PutBucketLifecycle) body; S3's errors for what it refuses. */
export async function parseLifecycleConfiguration(body: Buffer | string, minimumSizeHeader?: string): Promise<LifecycleConfiguration> {
  const transitionMinimumSize = parseTransitionMinimumSize(minimumSizeHeader);
  let doc: Doc;
  try {
    doc = await parseXml(body, ['LifecycleConfiguration.Rule', 'LifecycleConfiguration.Rule.Transition', 'LifecycleConfiguration.Rule.NoncurrentVersionTransition',
      'LifecycleConfiguration.Rule.Filter.Tag', 'LifecycleConfiguration.Rule.Filter.And.Tag']);
  } catch {
    throw s3Error('MalformedXML');
  }
  const config = doc['LifecycleConfiguration'];
  if (typeof config !== 'object' || config === null) throw s3Error('MalformedXML');
  only(config as Doc, ['Rule'], 'LifecycleConfiguration');
  const raw = list((config as Doc)['Rule']);
  if (raw.length === 0 || raw.length > MAX_LIFECYCLE_RULES) {
    throw malformed(`A lifecycle configuration has 1 to ${MAX_LIFECYCLE_RULES} rules; this one has ${raw.length}.`);
  }
  const rules = raw.map(ruleOf);
  const ids = new Set<string>();
  for (const rule of rules) {
    if (ids.has(rule.id)) throw invalid('ID', rule.id, 'Rule ID must be unique. Found same ID for more than one rule');
    ids.add(rule.id);
  }
  return { rules, transitionMinimumSize };
}
