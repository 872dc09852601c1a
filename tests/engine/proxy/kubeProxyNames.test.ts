import { describe, expect, it } from 'vitest';
import {
  computeProbability,
  endpointChainName,
  formatFixedLikeGo,
  formatMarkLikeKubeProxy,
  portProtoHash,
  serviceChainNames,
  servicePortName,
} from '../../../src/engine/proxy/kubeProxyNames';

describe('kube-proxy names', () => {
  it('formats ServicePortName like ServicePortName.String()', () => {
    expect(servicePortName('ns1', 'svc1', 'p80')).toBe('ns1/svc1:p80');
    expect(servicePortName('ns1', 'svc1')).toBe('ns1/svc1');
    expect(servicePortName('ns1', 'svc1', '')).toBe('ns1/svc1');
  });

  it.each([
    ['ns1/svc1:p80', 'tcp', 'XPGD46QRK7WJZT7O'],
    ['ns1/svc1', 'tcp', 'AQI2S6QIMU7PVVRP'],
    ['kube-system/kube-dns:dns', 'udp', 'TCOU7JCQXEZGVUNU'],
    ['default/kubernetes:https', 'tcp', 'NPX46M4PTMTKRN6Y'],
    ['kube-system/kube-dns:dns-tcp', 'tcp', 'ERIFXISQEP7F7OF4'],
  ] as const)('portProtoHash(%s, %s) = %s', (spn, proto, hash) => {
    expect(portProtoHash(spn, proto)).toBe(hash);
    // The Kubernetes protocol spelling is lower-cased first.
    expect(portProtoHash(spn, proto.toUpperCase() as 'TCP' | 'UDP')).toBe(hash);
  });

  it('derives the four per-port chains from one hash, and SEP chains from the endpoint', () => {
    expect(serviceChainNames('ns1/svc1:p80', 'TCP')).toEqual({
      svc: 'KUBE-SVC-XPGD46QRK7WJZT7O',
      svl: 'KUBE-SVL-XPGD46QRK7WJZT7O',
      ext: 'KUBE-EXT-XPGD46QRK7WJZT7O',
      fw: 'KUBE-FW-XPGD46QRK7WJZT7O',
    });
    expect(endpointChainName('ns1/svc1:p80', 'tcp', '10.180.0.1:80')).toBe('KUBE-SEP-SXIVWICOYRO3J4NJ');
    // Values from proxier_test.go TestOverallIPTablesRules.
    expect(endpointChainName('ns4/svc4:p80', 'tcp', '10.180.0.5:80')).toBe('KUBE-SEP-C6EBXVWJJZMIWKLZ');
    expect(serviceChainNames('ns5/svc5:p80', 'tcp').fw).toBe('KUBE-FW-NUKIZ6OKUXPJNT4C');
  });

  it.each([
    [1, '1.0000000000'],
    [2, '0.5000000000'],
    [3, '0.3333333333'],
    [10, '0.1000000000'],
    [100000, '0.0000100000'],
    [100001, '0.0000099999'],
  ])('computeProbability(%i) = %s (TestComputeProbability)', (n, text) => {
    expect(computeProbability(n)).toBe(text);
  });

  it('rounds ties to even like Go, not up like toFixed', () => {
    // 1/2048 = 0.00048828125 exactly: Go's %0.10f gives ...812, JavaScript's toFixed gives ...813.
    expect(formatFixedLikeGo(1 / 2048, 10)).toBe('0.0004882812');
    expect(formatFixedLikeGo(0.125, 2)).toBe('0.12');
    expect(formatFixedLikeGo(0.375, 2)).toBe('0.38');
  });

  it('formats the masquerade mark as Go %#08x does', () => {
    expect(formatMarkLikeKubeProxy(0x4000)).toBe('0x00004000');
  });
});
