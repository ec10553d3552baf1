import { mergeOverride, RulesSchema, type Rules, type RulesFile } from './schema';

/**
 * The rules that apply to one department: the common rules with the department's override merged
 * in (objects key by key, lists replaced). A department without an override gets the common rules.
 * The merge was validated when the file was loaded; parsing again fills defaults inside new parts.
 */
export function rulesFor(file: RulesFile, department: string): Rules {
  const { departments, ...common } = file;
  const override = departments[department];
  return override === undefined ? common : RulesSchema.parse(mergeOverride(common, override));
}
