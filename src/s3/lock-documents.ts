// The Object Lock response documents: ObjectLockConfiguration, Retention, LegalHold.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectLockConfiguration.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectRetention.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectLegalHold.html
import type { XmlBody } from './result.js';
import { isoTimestamp } from './time.js';

export interface DefaultRetentionDoc {
  readonly mode: string;
  readonly days?: number;
  readonly years?: number;
}

export function objectLockConfiguration(rule: DefaultRetentionDoc | undefined): XmlBody {
  const doc: Record<string, unknown> = { ObjectLockEnabled: 'Enabled' };
  if (rule) {
    doc['Rule'] = { DefaultRetention: { Mode: rule.mode, ...(rule.days !== undefined ? { Days: rule.days } : { Years: rule.years }) } };
  }
  return { root: 'ObjectLockConfiguration', doc };
}

export function retentionDocument(mode: string, until: Date): XmlBody {
  return { root: 'Retention', doc: { Mode: mode, RetainUntilDate: isoTimestamp(until) } };
}

export function legalHoldDocument(on: boolean): XmlBody {
  return { root: 'LegalHold', doc: { Status: on ? 'ON' : 'OFF' } };
}
