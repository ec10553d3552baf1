/**
 * Validates a card with the official Adaptive Cards library (`adaptivecards`), parsing it at the
 * version it declares: unknown element types, invalid property values and elements newer than
 * the version are reported as parse events. The library publishes no JSON schema file, so its
 * parser is the schema; a round trip through it must also give the card back unchanged, which
 * catches properties it does not know (they would be dropped).
 */
import * as AC from 'adaptivecards';

export function validateCard(card: unknown): string[] {
  const problems: string[] = [];
  const json = JSON.parse(JSON.stringify(card)) as { version?: string };
  const version = AC.Version.parse(json.version ?? '', new AC.SerializationContext());
  if (!version || !version.isValid) return [`invalid version ${String(json.version)}`];
  const context = new AC.SerializationContext(version);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(json, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const e of parsed.validateProperties().validationEvents) problems.push(`validate: ${e.message}`);
  const back = parsed.toJSON(context) as Record<string, unknown>;
  if (canonical(back) !== canonical(json))
    problems.push(`round trip changed the card:\n${canonical(back)}\n${canonical(json)}`);
  return problems;
}

/** JSON with sorted keys, so property order does not count as a difference. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
