import { describe, expect, it } from 'vitest';
import { authorize } from '../../src/authorize.js';
import type { SwiftIdentity } from '../../src/swift/keystone.js';

const policy = { operatorRoles: ['member', 'admin'], readerRoles: ['reader'] };
const service = { kind: 'password', username: 's', password: 'p', userDomain: 'Default', projectName: 'service' } as const;
const delegated = (roles: string[]): SwiftIdentity => ({ kind: 'delegated', service, projectId: 'p', projectName: 'p', userId: 'u', userName: 'u', roles });

describe('authorize (Keystone EC2 keys)', () => {
  it('lets an operator role read and write', () => {
    expect(() => authorize(delegated(['member']), 'PUT', 'PutObject', policy)).not.toThrow();
    expect(() => authorize(delegated(['Admin']), 'DELETE', 'DeleteBucket', policy)).not.toThrow();
  });

  it('lets a reader role only GET and HEAD', () => {
    expect(() => authorize(delegated(['reader']), 'GET', 'ListObjects', policy)).not.toThrow();
    expect(() => authorize(delegated(['reader']), 'HEAD', 'HeadObject', policy)).not.toThrow();
    for (const [method, op] of [['PUT', 'PutObject'], ['DELETE', 'DeleteObject'], ['POST', 'CreateMultipartUpload']]) {
      expect(() => authorize(delegated(['reader']), method!, op!, policy)).toThrow(expect.objectContaining({ code: 'AccessDenied' }));
    }
  });

  it('refuses any other role, or none', () => {
    expect(() => authorize(delegated(['load-balancer_observer']), 'GET', 'GetObject', policy)).toThrow(expect.objectContaining({ code: 'AccessDenied' }));
    expect(() => authorize(delegated([]), 'GET', 'GetObject', policy)).toThrow(expect.objectContaining({ code: 'AccessDenied' }));
  });

  it('leaves keys of the credentials file to Swift', () => {
    expect(() => authorize(service, 'PUT', 'PutObject', policy)).not.toThrow();
  });
});
