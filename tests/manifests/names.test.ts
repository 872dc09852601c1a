import { describe, expect, test } from 'vitest';
import {
  checkDns1035Label,
  checkDns1123Label,
  checkDns1123Subdomain,
  checkLabelValue,
  checkPortName,
  checkQualifiedName,
} from '../../src/manifests/names';

const ok = (check: (v: string) => string | undefined, values: string[]) =>
  values.filter((v) => check(v) !== undefined);
const bad = (check: (v: string) => string | undefined, values: string[]) =>
  values.filter((v) => check(v) === undefined);

describe('Kubernetes name rules (apimachinery validation.go)', () => {
  test('RFC 1123 labels: namespaces, container names, hostnames', () => {
    expect(ok(checkDns1123Label, ['a', 'web-1', '1web', 'a'.repeat(63)])).toEqual([]);
    expect(bad(checkDns1123Label, ['', 'Web', 'web-', '-web', 'web.v2', 'a'.repeat(64), '<script>'])).toEqual(
      [],
    );
  });

  test('RFC 1123 subdomains: pod, node, deployment names', () => {
    expect(
      ok(checkDns1123Subdomain, ['web.v2', 'coredns-7c65d6cfc9-x2kbq', 'a.b.c', `${'a'.repeat(63)}.b`]),
    ).toEqual([]);
    expect(bad(checkDns1123Subdomain, ['', 'a..b', '.a', 'a.', 'A', 'a_b', 'a'.repeat(254)])).toEqual([]);
  });

  test('RFC 1035 labels: Service names start with a letter', () => {
    expect(ok(checkDns1035Label, ['web', 'web-svc', 'a1'])).toEqual([]);
    expect(bad(checkDns1035Label, ['1web', 'web.svc', 'web-', 'Web'])).toEqual([]);
  });

  test('label keys and values', () => {
    expect(ok(checkQualifiedName, ['app', 'kubernetes.io/service-name', 'A_b.c-d', 'x/Y'])).toEqual([]);
    expect(bad(checkQualifiedName, ['', '/a', 'a/', 'a/b/c', '_a', 'Example.com/a', 'a'.repeat(64)])).toEqual(
      [],
    );
    expect(ok(checkLabelValue, ['', 'web', 'v1.2_3', 'A'])).toEqual([]);
    expect(bad(checkLabelValue, ['-a', 'a b', 'a'.repeat(64), 'a/b'])).toEqual([]);
  });

  test('port names (IANA_SVC_NAME)', () => {
    expect(ok(checkPortName, ['http', 'dns-tcp', 'h2c', 'a'.repeat(15)])).toEqual([]);
    expect(bad(checkPortName, ['8080', 'HTTP', 'a--b', '-a', 'a-', 'a'.repeat(16), 'a_b'])).toEqual([]);
  });
});
