/**
 * Kubernetes' syntax rules for names, label keys/values and port names, as the API server checks them
 * (k8s.io/apimachinery/pkg/util/validation/validation.go: IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label,
 * IsQualifiedName, IsValidLabelValue, IsValidPortName). Each check returns why a value is invalid, or undefined.
 * Lengths are checked before any regular expression runs, so hostile input costs little.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PORT_NAME_CHARSET = /^[-a-z0-9]+$/;

// DNS1123LabelMaxLength = 63, DNS1123SubdomainMaxLength = 253, DNS1035LabelMaxLength = 63,
// qualifiedNameMaxLength = 63, LabelValueMaxLength = 63 (apimachinery validation.go).
const LABEL_MAX = 63;
const SUBDOMAIN_MAX = 253;

/** Which rule an object's metadata.name follows. */
export type NameFormat = 'dns1123-label' | 'dns1123-subdomain' | 'dns1035-label';

export function checkDns1123Label(value: string): string | undefined {
  if (value.length > LABEL_MAX) return `must be no more than ${LABEL_MAX} characters`;
  if (!DNS1123_LABEL.test(value)) {
    return "must be a lowercase RFC 1123 label: a-z, 0-9 and '-', starting and ending with a letter or digit";
  }
  return undefined;
}

export function checkDns1123Subdomain(value: string): string | undefined {
  if (value.length > SUBDOMAIN_MAX) return `must be no more than ${SUBDOMAIN_MAX} characters`;
  if (!DNS1123_SUBDOMAIN.test(value)) {
    return "must be a lowercase RFC 1123 subdomain: a-z, 0-9, '-' and '.', starting and ending with a letter or digit";
  }
  return undefined;
}

export function checkDns1035Label(value: string): string | undefined {
  if (value.length > LABEL_MAX) return `must be no more than ${LABEL_MAX} characters`;
  if (!DNS1035_LABEL.test(value)) {
    return "must be a lowercase RFC 1035 label: a-z, 0-9 and '-', starting with a letter and ending with a letter or digit";
  }
  return undefined;
}

export function checkName(value: string, format: NameFormat): string | undefined {
  switch (format) {
    case 'dns1123-label':
      return checkDns1123Label(value);
    case 'dns1123-subdomain':
      return checkDns1123Subdomain(value);
    case 'dns1035-label':
      return checkDns1035Label(value);
  }
}

/** A label key: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
export function checkQualifiedName(value: string): string | undefined {
  const parts = value.split('/');
  if (parts.length > 2) return "must have at most one '/' separator";
  const name = parts.length === 2 ? (parts[1] ?? '') : value;
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix.length === 0) return 'prefix part must be non-empty';
    const prefixProblem = checkDns1123Subdomain(prefix);
    if (prefixProblem) return `prefix part ${prefixProblem}`;
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > LABEL_MAX) return `name part must be no more than ${LABEL_MAX} characters`;
  if (!QUALIFIED_NAME_PART.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/** A label value: empty, or at most 63 characters of [A-Za-z0-9-_.] starting and ending alphanumeric. */
export function checkLabelValue(value: string): string | undefined {
  if (value.length === 0) return undefined;
  if (value.length > LABEL_MAX) return `must be no more than ${LABEL_MAX} characters`;
  if (!QUALIFIED_NAME_PART.test(value)) {
    return "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/**
 * An IANA_SVC_NAME (RFC 6335) as Kubernetes checks container port names and string targetPorts: at most 15
 * characters of [-a-z0-9], at least one letter, no leading/trailing or doubled hyphen.
 */
export function checkPortName(value: string): string | undefined {
  if (value.length > 15) return 'must be no more than 15 characters';
  if (!PORT_NAME_CHARSET.test(value)) return 'must contain only a-z, 0-9 and hyphens';
  if (!/[a-z]/.test(value)) return 'must contain at least one letter (a-z)';
  if (value.includes('--')) return 'must not contain consecutive hyphens';
  if (value.startsWith('-') || value.endsWith('-')) return 'must not begin or end with a hyphen';
  return undefined;
}
