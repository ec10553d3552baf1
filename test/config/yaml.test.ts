import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseYaml } from '../../src/config/yaml';
import { SourceErrors } from '../../src/config/source-error';

const schema = z.object({
  people: z.array(z.object({ name: z.string(), email: z.email() })),
});

function errorsOf(text: string) {
  try {
    parseYaml('organisation.yaml', text, schema);
  } catch (e) {
    expect(e).toBeInstanceOf(SourceErrors);
    return (e as SourceErrors).errors;
  }
  throw new Error('expected an error');
}

describe('parseYaml', () => {
  it('returns the validated value', () => {
    const v = parseYaml('o.yaml', 'people:\n  - name: Anna\n    email: anna@example.se\n', schema);
    expect(v.people[0]?.email).toBe('anna@example.se');
  });

  it('names file, line and field of a schema error', () => {
    const [err] = errorsOf(
      'people:\n  - name: Anna\n    email: anna@example.se\n  - name: Bo\n    email: inte-en-adress\n',
    );
    expect(err?.location).toMatchObject({ file: 'organisation.yaml', line: 5, field: 'people.1.email' });
    expect(err?.message).toMatch(/^organisation\.yaml, line 5, field people\.1\.email: /);
    expect(err?.messageSv).toMatch(/^organisation\.yaml, rad 5, fält people\.1\.email: /);
  });

  it('points a missing field at its parent', () => {
    const [err] = errorsOf('people:\n  - name: Anna\n');
    expect(err?.location).toMatchObject({ line: 2, field: 'people.0.email' });
  });

  it('reports YAML syntax errors with their line', () => {
    const [err] = errorsOf('people:\n  - name: Anna\n   email: [oops\n');
    expect(err?.location.line).toBeGreaterThanOrEqual(2);
    expect(err?.detail).toMatch(/^YAML syntax/);
  });

  it('rejects duplicate keys instead of silently keeping the last', () => {
    const errs = errorsOf('people: []\npeople: []\n');
    expect(errs[0]?.location.line).toBe(2);
  });
});
