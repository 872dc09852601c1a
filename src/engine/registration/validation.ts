/**
 * The part of the API server's Service validation (pkg/apis/core/validation ValidateService, run by the
 * strategy in BeforeCreate) that kube-netviz's inputs can break, with the API server's own wording.
 */
import type { ServiceDraft } from '../../model/draft';
import type { RegistrationError } from './types';

// k8s.io/apimachinery/pkg/util/validation: IsDNS1035Label (Service names, NameIsDNS1035Label) — the
// regex, the 63-character limit and the message with its examples, as RegexError prints them.
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_MAX = 63;
const DNS1035_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an " +
  "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', " +
  "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

const isPort = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 65535;
// validation.InclusiveRangeError(1, 65535)
const PORT_RANGE = 'must be between 1 and 65535, inclusive';

/** Field errors in the API server's `field.Error` form (`<path>: <type>: <detail>`). */
export function validateServiceDraft(d: ServiceDraft): RegistrationError[] {
  const errors: RegistrationError[] = [];
  const invalid = (field: string, value: string, detail: string): void => {
    errors.push({ code: 'Invalid', field, message: `${field}: Invalid value: ${value}: ${detail}` });
  };

  if (d.name.length > DNS1035_MAX) {
    invalid('metadata.name', JSON.stringify(d.name), `must be no more than ${DNS1035_MAX} characters`);
  }
  if (!DNS1035_LABEL.test(d.name)) invalid('metadata.name', JSON.stringify(d.name), DNS1035_MESSAGE);

  if (d.type === 'ExternalName') {
    if (d.externalName === undefined || d.externalName === '') {
      errors.push({
        code: 'Invalid',
        field: 'spec.externalName',
        message: 'spec.externalName: Required value',
      });
    }
    return errors;
  }
  if (d.ports.length === 0) {
    errors.push({ code: 'Invalid', field: 'spec.ports', message: 'spec.ports: Required value' });
  }
  const seen = new Set<string>();
  d.ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    // More than one port: every port needs a name, and names are unique.
    if (d.ports.length > 1 && (p.name === undefined || p.name === '')) {
      errors.push({ code: 'Invalid', field: `${at}.name`, message: `${at}.name: Required value` });
    }
    if (p.name !== undefined && p.name !== '') {
      if (seen.has(p.name)) {
        errors.push({
          code: 'Invalid',
          field: `${at}.name`,
          message: `${at}.name: Duplicate value: ${JSON.stringify(p.name)}`,
        });
      }
      seen.add(p.name);
    }
    if (!isPort(p.port)) invalid(`${at}.port`, String(p.port), PORT_RANGE);
    if (typeof p.targetPort === 'number' && !isPort(p.targetPort)) {
      invalid(`${at}.targetPort`, String(p.targetPort), PORT_RANGE);
    }
    if (p.nodePort !== undefined && d.type !== 'NodePort' && d.type !== 'LoadBalancer') {
      errors.push({
        code: 'Invalid',
        field: `${at}.nodePort`,
        message: `${at}.nodePort: Forbidden: may not be used when \`type\` is '${d.type}'`,
      });
    }
  });
  return errors;
}

/** The API server's StatusError text for an Invalid object (apimachinery errors.NewInvalid). */
export function invalidMessage(name: string, errors: readonly RegistrationError[]): string {
  const list = errors.map((e) => e.message);
  const body = list.length === 1 ? (list[0] ?? '') : `[${list.join(', ')}]`;
  return `Service ${JSON.stringify(name)} is invalid: ${body}`;
}
