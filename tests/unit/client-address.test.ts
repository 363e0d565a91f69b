/** Per-visitor limits behind a reverse proxy: which address is the visitor's. */
import type { IncomingMessage } from 'http';
import { clientAddress } from '../../bot/client-address';

const req = (remote: string, xff?: string): IncomingMessage => ({ socket: { remoteAddress: remote }, headers: xff ? { 'x-forwarded-for': xff } : {} }) as unknown as IncomingMessage;

it('without trusted proxies, the socket address; a forged header changes nothing', () => {
  expect(clientAddress(req('10.0.0.5', '1.2.3.4'), 0)).toBe('10.0.0.5');
});

it('behind one proxy, the address it appended; what the client wrote further left is ignored', () => {
  expect(clientAddress(req('10.0.0.5', '203.0.113.9'), 1)).toBe('203.0.113.9');
  expect(clientAddress(req('10.0.0.5', '6.6.6.6, 203.0.113.9'), 1)).toBe('203.0.113.9');
  expect(clientAddress(req('10.0.0.5', '6.6.6.6, 203.0.113.9, 10.0.0.2'), 2)).toBe('203.0.113.9');
  expect(clientAddress(req('10.0.0.5'), 1)).toBe('10.0.0.5');
});
