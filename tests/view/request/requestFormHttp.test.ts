import { describe, expect, it } from 'vitest';
import { EXTERNAL, validateRequestForm, valuesFromRequest } from '../../../src/view/request/requestForm';

const base = {
  client: EXTERNAL,
  externalIP: '203.0.113.7',
  target: '10.100.0.2',
  port: '30080',
  protocol: 'TCP' as const,
};

describe('the request form’s HTTP Host and path (for an Ingress)', () => {
  it('puts a Host and path on the request', () => {
    const r = validateRequestForm({ ...base, host: 'shop.example.com', path: '/api/orders' });
    expect(r.ok && r.request.http).toEqual({ host: 'shop.example.com', path: '/api/orders' });
  });

  it('without a Host, sends the address it dials as the Host header, as curl does', () => {
    const r = validateRequestForm({ ...base, host: '', path: '/api' });
    expect(r.ok && r.request.http).toEqual({ host: '10.100.0.2:30080', path: '/api' });
  });

  it('leaves http off when both are empty', () => {
    const r = validateRequestForm({ ...base, host: ' ', path: '' });
    expect(r.ok && r.request.http).toBeUndefined();
  });

  it.each([
    [{ host: 'shop example', path: '/' }, 'is not a host name'],
    [{ host: 'shop.example.com', path: 'api' }, 'starts with /'],
    [{ host: 'shop.example.com', path: '/', protocol: 'UDP' as const }, 'needs TCP'],
  ])('refuses %j', (patch, message) => {
    const r = validateRequestForm({ ...base, ...patch });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.field).toBe('http');
      expect(r.message).toContain(message);
    }
  });

  it('starts from the request’s HTTP fields', () => {
    const v = valuesFromRequest({
      from: { kind: 'external', ip: '203.0.113.7' },
      to: '10.100.0.2',
      http: { host: 'shop.example.com', path: '/x' },
    });
    expect([v.host, v.path]).toEqual(['shop.example.com', '/x']);
  });
});
