import { describe, expect, it } from 'vitest';
import { authorize } from '../../../src/credentials/authorize.js';

const policy = { operatorRoles: ['member', 'admin'], readerRoles: ['reader'] };

describe('authorize (the roles of a Keystone EC2 key\'s token)', () => {
  it('lets an operator role read and write, whatever its case', () => {
    expect(() => authorize(['member'], 'PUT', 'PutObject', policy)).not.toThrow();
    expect(() => authorize(['Admin'], 'DELETE', 'DeleteBucket', policy)).not.toThrow();
  });

  it('lets a reader role only GET and HEAD', () => {
    expect(() => authorize(['reader'], 'GET', 'ListObjects', policy)).not.toThrow();
    expect(() => authorize(['reader'], 'HEAD', 'HeadObject', policy)).not.toThrow();
    for (const [method, op] of [['PUT', 'PutObject'], ['DELETE', 'DeleteObject'], ['POST', 'CreateMultipartUpload']]) {
      expect(() => authorize(['reader'], method!, op!, policy)).toThrow(expect.objectContaining({ code: 'AccessDenied' }));
    }
  });

  it('refuses any other role, or none', () => {
    expect(() => authorize(['load-balancer_observer'], 'GET', 'GetObject', policy)).toThrow(expect.objectContaining({ code: 'AccessDenied' }));
    expect(() => authorize([], 'GET', 'GetObject', policy)).toThrow(expect.objectContaining({ code: 'AccessDenied' }));
  });
});
