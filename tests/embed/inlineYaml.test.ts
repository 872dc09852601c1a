import { describe, expect, it } from 'vitest';
import { dedent } from '../../src/embed/inlineYaml';

describe('inline YAML in a page', () => {
  it('loses the indentation its lines share, so --- starts a line again', () => {
    const text = '\n    a: 1\n    ---\n    b:\n      c: 2\n\n    d: 3\n  ';
    expect(dedent(text)).toBe('a: 1\n---\nb:\n  c: 2\n\nd: 3');
  });

  it('keeps text that is not indented, and reads CRLF line ends', () => {
    expect(dedent('a: 1\r\n---\r\nb: 2')).toBe('a: 1\n---\nb: 2');
    expect(dedent('')).toBe('');
    expect(dedent('   \n  \n')).toBe('');
  });
});
