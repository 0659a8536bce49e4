// listen.maxConnectionsPerClient: counted per client address, released on close.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnectionLimit, clientAddress } from '../../../src/http/connection-limit.js';

function socket(remoteAddress: string): Socket & EventEmitter {
  return Object.assign(new EventEmitter(), { remoteAddress }) as unknown as Socket & EventEmitter;
}

describe('ConnectionLimit', () => {
  it('admits up to the limit per address and marks the connections beyond it', () => {
    const over: string[] = [];
    const limit = new ConnectionLimit(2, (c) => over.push(c));
    const [a, b, c] = [socket('10.0.0.1'), socket('10.0.0.1'), socket('10.0.0.1')];
    const other = socket('10.0.0.2');
    for (const s of [a, b, c, other]) limit.track(s);
    expect([a, b, c, other].map((s) => limit.admits(s))).toEqual([true, true, false, true]);
    expect(over).toEqual(['10.0.0.1']);
  });

  it('frees a place when a connection closes', () => {
    const limit = new ConnectionLimit(1);
    const first = socket('10.0.0.1');
    limit.track(first);
    first.emit('close');
    const second = socket('10.0.0.1');
    limit.track(second);
    expect(limit.admits(second)).toBe(true);
    expect(limit.openFrom('10.0.0.1')).toBe(1);
  });

  it('counts an IPv4 client on a dual-stack listener as the same address', () => {
    expect(clientAddress(socket('::ffff:192.0.2.7'))).toBe('192.0.2.7');
    const limit = new ConnectionLimit(1);
    limit.track(socket('::ffff:192.0.2.7'));
    const again = socket('192.0.2.7');
    limit.track(again);
    expect(limit.admits(again)).toBe(false);
  });

  it('admits everything with limit 0', () => {
    const limit = new ConnectionLimit(0);
    const sockets = Array.from({ length: 5 }, () => socket('10.0.0.1'));
    for (const s of sockets) limit.track(s);
    expect(sockets.every((s) => limit.admits(s))).toBe(true);
  });
});
