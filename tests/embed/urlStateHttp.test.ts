import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../../src/embed/urlState';
import type { TraceRequest } from '../../src/engine/trace';

const ingressRequest: TraceRequest = {
  from: { kind: 'external', ip: '203.0.113.7' },
  to: '10.100.0.2',
  port: 30080,
  http: { host: 'shop.example.com', path: '/api/orders' },
};

describe('links carry the HTTP request an ingress routes on', () => {
  it('writes http-host= and http-path= after the request and reads them back', () => {
    const search = encodeState({
      v: 1,
      scenario: { kind: 'builtin', id: 'ingress' },
      request: ingressRequest,
    });
    expect(search).toBe(
      '?v=1&scenario=ingress&from=203.0.113.7&to=10.100.0.2&port=30080&http-host=shop.example.com&http-path=/api/orders',
    );
    const decoded = decodeState(search);
    expect(decoded.ok && decoded.state.request).toEqual(ingressRequest);
  });

  it.each([
    ['?v=1&http-host=a.example.com&http-path=/', 'no request'],
    ['?v=1&from=203.0.113.7&to=10.100.0.2&http-host=a.example.com', 'only one of http-host= and http-path='],
    ['?v=1&from=203.0.113.7&to=10.100.0.2&http-host=a%20b&http-path=/', 'is not a host name'],
    ['?v=1&from=203.0.113.7&to=10.100.0.2&http-host=a.example.com&http-path=api', 'is not an HTTP path'],
  ])('refuses %s', (search, message) => {
    const decoded = decodeState(search);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error).toContain(message);
  });
});
