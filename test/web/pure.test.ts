import { describe, expect, it } from 'vitest';
import { parseOrganisation } from '../../src/organisation';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { accessFor, mayOpenActivity, mayReportOnActivity, reportingRolesIn } from '../../src/organisation/access';
import { personForClaims, safeReturnPath } from '../../src/web/app/auth';
import { cleanFilters } from '../../src/web/app/overview-list';
import { html } from '../../src/domain/html';
import { settingsFromEnv, DEV_SESSION_SECRET } from '../../src/web/app/settings-env';
import { editRules, FormProblems } from '../../src/web/app/settings-edit';
import { parseRules } from '../../src/rules';

const org = parseOrganisation(
  'organisation.yaml',
  readFileSync(fileURLToPath(new URL('../../config/organisation.yaml', import.meta.url)), 'utf8'),
);
const rulesText = readFileSync(fileURLToPath(new URL('../../config/rules.yaml', import.meta.url)), 'utf8');
const person = (id: string) => org.people.find((p) => p.id === id)!;

describe('html template', () => {
  it('escapes every interpolation, nested fragments pass once', () => {
    const evil = '<script>alert("x")</script>';
    expect(html`<p title="${evil}">${evil}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>',
    );
    expect(html`<ul>${['a&b', html`<li>${"'"}</li>`]}</ul>`.value).toBe('<ul>a&amp;b<li>&#39;</li></ul>');
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
  });
});

describe('access from the organisation file', () => {
  it('HR for the förvaltning administers every department; a department head sees hers; a rektor none', () => {
    expect(accessFor(org, person('hanna-hrchef'), 'dev')).toMatchObject({
      admin: true,
      departments: org.departments.map((d) => d.id),
    });
    expect(accessFor(org, person('lars-ledning'), 'dev')).toMatchObject({
      admin: false,
      departments: org.departments.map((d) => d.id),
    });
    expect(accessFor(org, person('anna-avdelning'), 'dev')).toMatchObject({ admin: false, departments: ['forskola'] });
    expect(accessFor(org, person('helena-hr'), 'dev')).toMatchObject({
      admin: false,
      departments: ['forskola', 'stadsutveckling'],
    });
    expect(accessFor(org, person('rut-rektor'), 'dev')).toMatchObject({ admin: false, departments: [] });
  });

  it('whoever a message addresses opens the activity it links to: its owners (in their unit), a delmål’s owners, those who answer for a group role, the line', () => {
    const open = (p: string, a: Parameters<typeof mayOpenActivity>[2]) =>
      mayOpenActivity(org, accessFor(org, person(p), 'dev'), a);
    const rektorNorr = { role: 'rektor', raw: 'Rektor', unit: 'forskoleenhet-norr' } as const;
    const rektor = { role: 'rektor', raw: 'Rektor' } as const;
    // Rut is rektor in Förskoleenhet Norr with no department-wide role.
    expect(open('rut-rektor', { department: 'forskola', owners: [rektor] })).toBe(true);
    expect(open('rut-rektor', { department: 'forskola', owners: [rektorNorr] })).toBe(true);
    expect(mayReportOnActivity(org, person('rut-rektor'), { department: 'forskola', owners: [rektor] })).toBe(true);
    expect(
      open('rut-rektor', {
        department: 'forskola',
        owners: [{ role: 'hr', raw: 'HR' }],
        milestones: [{ owners: [rektor] }],
      }),
    ).toBe(true);
    // Not hers: another unit's rektor, another role, another department.
    expect(open('rut-rektor', { department: 'forskola', owners: [{ ...rektor, unit: 'forskoleenhet-soder' }] })).toBe(
      false,
    );
    expect(open('rut-rektor', { department: 'forskola', owners: [{ role: 'controller', raw: 'Controller' }] })).toBe(
      false,
    );
    expect(open('rut-rektor', { department: 'stadsutveckling', owners: [rektor] })).toBe(false);
    // The avdelningschef sees her avdelning; an enhetschef answers for "medarbetare" (answeredBy).
    expect(open('anna-avdelning', { department: 'forskola', owners: [{ role: 'hr', raw: 'HR' }] })).toBe(true);
    const medarbetare = { role: 'medarbetare', raw: 'Medarbetare' } as const;
    expect(open('vilma-vuxen', { department: 'individ-och-familj', owners: [medarbetare] })).toBe(true);
    expect(reportingRolesIn(org, person('vilma-vuxen'), 'individ-och-familj')).toContain('medarbetare');
  });

  it('maps an Entra ID account to its person by e-mail or UPN, never to a deactivated one', () => {
    expect(personForClaims(org, { email: 'Anna.Avdelning@example.se' })?.id).toBe('anna-avdelning');
    expect(personForClaims(org, { preferred_username: 'frida.forvaltare@example.se' })?.id).toBe('frida-forvaltare');
    expect(personForClaims(org, { email: 'vera.rektor@example.se' })).toBeUndefined();
    expect(personForClaims(org, { email: 'okand@example.se' })).toBeUndefined();
  });

  it('returns only to local paths after sign-in', () => {
    expect(safeReturnPath('/aktivitet/x?y=1')).toBe('/aktivitet/x?y=1');
    for (const bad of ['//evil.example', 'https://evil.example/', '/\\evil', '/logga-in', undefined])
      expect(safeReturnPath(bad)).toBe('/');
  });
});

describe('settings from the environment', () => {
  it('refuses production without Entra ID or with the development session secret', () => {
    expect(() => settingsFromEnv({ PLANVAKT_MODE: 'production' })).toThrow(/OIDC_ISSUER/);
    const oidc = {
      OIDC_ISSUER: 'https://login.example/tenant/v2.0',
      OIDC_CLIENT_ID: 'id',
      OIDC_CLIENT_SECRET: 's',
      OIDC_REDIRECT_URI: 'https://planvakt.example/logga-in/callback',
    };
    expect(() => settingsFromEnv({ PLANVAKT_MODE: 'production', ...oidc })).toThrow(/PLANVAKT_SESSION_SECRET/);
    expect(() =>
      settingsFromEnv({ PLANVAKT_MODE: 'production', ...oidc, PLANVAKT_SESSION_SECRET: DEV_SESSION_SECRET }),
    ).toThrow(/development default/);
    expect(
      settingsFromEnv({ PLANVAKT_MODE: 'production', ...oidc, PLANVAKT_SESSION_SECRET: 'x'.repeat(40) }),
    ).toMatchObject({ secureCookies: true, oidc: { clientId: 'id' } });
    expect(() => settingsFromEnv({ OIDC_ISSUER: 'https://x' })).toThrow(/missing: OIDC_CLIENT_ID/);
    expect(settingsFromEnv({})).toMatchObject({
      mode: 'development',
      sessionSecret: DEV_SESSION_SECRET,
      secureCookies: false,
    });
  });
});

describe('dashboard filters', () => {
  it('drops filter values outside the fixed sets and departments the person does not see', () => {
    const f = cleanFilters(
      { avdelning: 'aldreomsorg', roll: "rektor' OR 1=1", status: 'late', manad: '2022-13', enhet: 'bou' },
      ['forskola'],
      ['resursenheten'],
    );
    expect(f).toEqual({ status: 'late' });
  });
});

describe('rules form', () => {
  it('edits the document in place, keeping every comment, and the result validates', () => {
    const current = parseRules('rules.yaml', rulesText);
    const text = editRules(
      rulesText,
      current,
      {
        beforeDeadline: '0, 10',
        overdueFirst: '1',
        overdueRepeat: '5',
        escalationTo0: 'avdelningschef',
        escalationDays0: '7',
        sendTime: '07:30',
        digest: 'on',
        'forskola-T1-due': '',
      },
      ['forskola', 'aldreomsorg'],
    );
    const next = parseRules('rules.yaml', text);
    expect(next.reminders.beforeDeadline).toEqual([10, 0]);
    expect(next.escalation).toEqual([{ to: 'avdelningschef', afterWorkingDays: 7 }]);
    expect(next.delivery.sendTime).toBe('07:30');
    expect(next.departments.forskola).not.toHaveProperty('followUp.periods.T1.due');
    expect(text).toContain('# Eskaleringstrappan när en aktivitet är försenad');
    expect(() =>
      editRules(rulesText, current, { beforeDeadline: 'x', overdueFirst: '0', overdueRepeat: '5' }, []),
    ).toThrow(FormProblems);
  });
});
