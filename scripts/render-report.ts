/**
 * Renders an example follow-up report the way people will open it: the Excel workbook (one sheet
 * per avdelning plus the förvaltning's summary) converted by LibreOffice to PDF and by pdftoppm to
 * PNG pages, and one department's HTML report. Output under docs/report/, committed so a reader
 * sees the report without running anything. The answers are example data, marked as such.
 *
 *   apt-get install libreoffice-calc poppler-utils   # Debian
 *   node --import tsx scripts/render-report.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toLifecycleActivity } from '../src/lifecycle/from-plan';
import { ROLES } from '../src/domain/vocabulary';
import { placedActivities, readPlanFile } from '../src/plan';
import { buildDepartmentReport, type ReportActivityData } from '../src/follow-up/report/model';
import { renderReportHtml } from '../src/follow-up/report/html';
import { workbookBuffer } from '../src/follow-up/report/excel';
import type { Status } from '../src/domain/vocabulary';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const out = here('../docs/report');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const { plan } = await readPlanFile(here('../../shared/plans/kompetensforsorjningsplan-2021-2023.md'));
// Example answers, the same every run: a mix of every status and some non-responders.
const EXAMPLE: (Status | undefined)[] = [
  'done',
  'inProgress',
  'inProgress',
  undefined,
  'late',
  'inProgress',
  'notStarted',
  'done',
  undefined,
];
const reports = plan.departments.map((department) => {
  const activities: ReportActivityData[] = placedActivities(plan)
    .filter((p) => p.department.id === department.id)
    .map((p, i) => {
      const activity = toLifecycleActivity(plan, p);
      const status = EXAMPLE[i % EXAMPLE.length];
      return {
        activity,
        owners: activity.owners.map((o) => ROLES[o.role]),
        answer: status && {
          status,
          comment:
            status === 'late'
              ? 'Exempeldata: upphandlingen drog ut på tiden.'
              : `Exempeldata: ${status === 'done' ? 'genomfört' : 'arbete pågår'}.`,
          ...(status === 'late' ? { proposedDate: '2023-03-31' } : {}),
          by: 'Exempel Exempelsson',
          at: '2022-04-25T08:00:00.000Z',
        },
      };
    });
  return buildDepartmentReport({
    cycleId: `cycle-${department.id}-2022-T1`,
    department: department.id,
    departmentName: department.name,
    occasion: { period: 'T1', id: 'T1:2022', label: 'Tertial 1 2022', requestOn: '2022-04-20', due: '2022-05-10' },
    closedAt: '2022-05-11T06:00:00.000Z',
    activities,
    indicators: [],
  });
});

const xlsx = join(out, 'exempel-tertial-1-2022.xlsx');
writeFileSync(xlsx, await workbookBuffer(reports, 'Uppföljning tertial 1 2022 (exempeldata)'));
writeFileSync(join(out, 'exempel-forskola-tertial-1-2022.html'), renderReportHtml(reports[0]!));
execFileSync('libreoffice', ['--headless', '--convert-to', 'pdf', '--outdir', out, xlsx], { stdio: 'ignore' });
execFileSync('pdftoppm', ['-png', '-r', '70', '-l', '4', join(out, 'exempel-tertial-1-2022.pdf'), join(out, 'sida')]);
console.log(`render-report: ${readdirSync(out).join(', ')}`);
