import { describe, expect, it } from 'vitest';
import { parseProcAddress, parseProcNetTcp } from './linux-proc-net-tcp.ts';

describe('/proc/net/tcp parsing', () => {
  it('reads little-endian IPv4, IPv6 loopback and IPv4-mapped IPv6 addresses', () => {
    expect(parseProcAddress('0100007F:09C5')).toEqual({ address: '127.0.0.1', port: 2501 });
    expect(parseProcAddress('00000000000000000000000001000000:1F90')).toEqual({ address: '::1', port: 8080 });
    expect(parseProcAddress('0000000000000000FFFF00000100007F:A3B2')).toEqual({ address: '127.0.0.1', port: 41906 });
  });

  it('takes uid and inode from their columns', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:A3B2 0100007F:09C5 01 00000000:00000000 00:00000000 00000000  1000        0 424242 1 0000000000000000 20 4 30 10 -1',
    ].join('\n');
    expect(parseProcNetTcp(table)).toEqual([{ local: { address: '127.0.0.1', port: 41906 }, remote: { address: '127.0.0.1', port: 2501 }, uid: 1000, inode: 424242 }]);
  });
});
