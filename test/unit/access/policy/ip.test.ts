import { describe, expect, it } from 'vitest';
import { cidrContains, parseAddress, parseCidr } from '../../../../src/access/policy/ip.js';

const inRange = (cidr: string, address: string) => cidrContains(parseCidr(cidr)!, parseAddress(address)!);

describe('CIDR ranges of IpAddress / NotIpAddress', () => {
  it.each([
    ['54.240.143.0/24', '54.240.143.1', true],
    ['54.240.143.0/24', '54.240.143.255', true],
    ['54.240.143.0/24', '54.240.144.0', false],
    ['54.240.143.188/32', '54.240.143.188', true],
    ['54.240.143.188/32', '54.240.143.189', false],
    ['54.240.143.188', '54.240.143.188', true],
    ['54.240.143.188', '54.240.143.187', false],
    ['10.0.0.0/8', '10.255.255.255', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['172.16.0.0/12', '172.31.1.1', true],
    ['172.16.0.0/12', '172.32.0.0', false],
    ['192.168.1.77/24', '192.168.1.5', true],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['203.0.113.0/25', '203.0.113.127', true],
    ['203.0.113.0/25', '203.0.113.128', false],
    ['2001:DB8:1234:5678::/64', '2001:db8:1234:5678:abcd::1', true],
    ['2001:DB8:1234:5678::/64', '2001:db8:1234:5679::1', false],
    ['2001:DB8:1234:5678:ABCD::/80', '2001:db8:1234:5678:abcd:1::', true],
    ['2001:DB8:1234:5678:ABCD::/80', '2001:db8:1234:5678:abce::', false],
    ['::1', '::1', true],
    ['::/0', '2001:db8::1', true],
    ['2001:db8::/33', '2001:db8:7fff::1', true],
    ['2001:db8::/33', '2001:db8:8000::1', false],
    ['::ffff:0:0/96', '::ffff:c000:201', false],
  ])('%s contains %s: %s', (cidr, address, expected) => {
    expect(inRange(cidr, address)).toBe(expected);
  });

  it('matches an IPv4 client of a dual-stack listener (::ffff:a.b.c.d) against IPv4 ranges', () => {
    expect(inRange('192.0.2.0/24', '::ffff:192.0.2.1')).toBe(true);
    expect(inRange('192.0.2.0/24', '::FFFF:c000:0201')).toBe(true);
    expect(inRange('192.0.2.0/24', '::ffff:198.51.100.1')).toBe(false);
  });

  it('never puts an IPv4 address in an IPv6 range, nor the other way round', () => {
    expect(inRange('::/0', '192.0.2.1')).toBe(false);
    expect(inRange('0.0.0.0/0', '2001:db8::1')).toBe(false);
  });

  it('reads IPv6 with an embedded IPv4 tail and with :: anywhere', () => {
    expect(Array.from(parseAddress('64:ff9b::192.0.2.33', false)!)).toEqual([0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 33]);
    expect(Array.from(parseAddress('1:2:3:4:5:6:7::')!)).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0]);
    expect(Array.from(parseAddress('[::1]')!)).toEqual([...new Array(15).fill(0), 1]);
    expect(inRange('fe80::/10', 'fe80::1%eth0')).toBe(true);
    expect(parseCidr('fe80::1%eth0')).toBeUndefined();
    expect(parseCidr('[::1]')).toBeUndefined();
  });

  it.each(['', '1.2.3', '1.2.3.4/33', '1.2.3.4/', '1.2.3.4/-1', '256.1.1.1', '2001:db8::/129', '2001:db8::g', 'example.com', '1.2.3.4/8/8', '01.2.3.4'])(
    'refuses %j as a CIDR', (text) => {
      expect(parseCidr(text)).toBeUndefined();
    });
});
