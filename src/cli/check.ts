/**
 * `planvakt check <file> [--json] [--strict] [--kolumner FILE]`: reads a plan (or plan.yaml) and reports what the
 * import would warn about, writing nothing. Exit 0 when readable, 1 when not (with --strict also
 * when there are warnings), 2 on wrong usage.
 */
import { plural } from '../domain';
import { errorJson, placedActivities, readErrors, readPlanFile } from '../plan';
import { columnMappingsFlag, fileCommand, mappingTemplate, processIo, tablesTemplate, type Io } from './args';
import { SourceErrors } from '../config';

const USAGE = 'Användning: planvakt check <fil> [--json] [--strict] [--kolumner FIL]';

export async function run(argv: string[], io: Io = processIo): Promise<number> {
  const args = fileCommand(
    argv,
    { json: { type: 'boolean' }, strict: { type: 'boolean' }, kolumner: { type: 'string' } },
    USAGE,
    io,
  );
  if ('exit' in args) return args.exit;
  const { file } = args;
  try {
    const mappings = await columnMappingsFlag(args.values.kolumner);
    if (mappings.errors) throw new SourceErrors(mappings.errors);
    const { plan, warnings, unmapped } = await readPlanFile(
      file,
      mappings.columns ? { columns: mappings.columns } : {},
    );
    const activities = placedActivities(plan).length;
    const code = args.values.strict && warnings.length > 0 ? 1 : 0;
    if (args.values.json) {
      io.out(
        JSON.stringify(
          { file, ok: code === 0, activities, departments: plan.departments.length, warnings: warnings.map(errorJson) },
          null,
          2,
        ),
      );
    } else {
      for (const w of warnings) io.err(`varning: ${w.messageSv}`);
      const template = tablesTemplate(unmapped);
      if (template) io.err(template);
      io.out(
        `${file}: ${plural(activities, 'aktivitet', 'aktiviteter')} i ${plural(plan.departments.length, 'avdelning', 'avdelningar')}, ${plural(warnings.length, 'varning', 'varningar')}.`,
      );
    }
    return code;
  } catch (e) {
    const errors = readErrors(e);
    if (!errors) throw e;
    if (args.values.json) io.out(JSON.stringify({ file, ok: false, errors: errors.map(errorJson) }, null, 2));
    else {
      for (const x of errors) io.err(`fel: ${x.messageSv}`);
      const template = mappingTemplate(e);
      if (template) io.err(template);
    }
    return 1;
  }
}
