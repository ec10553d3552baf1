import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with one plain line, `vitest: N passed, N failed, N skipped`, that CI and people
 * read without knowing vitest's own format.
 */
export default class SummaryLine implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown> = []): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') count.passed++;
        else if (state === 'failed') failedHere++;
        else count.skipped++;
      }
      count.failed += failedHere;
      // A file that failed to load, or whose beforeAll threw (its tests then read as skipped), must
      // not read as green: it counts as one failure.
      if (module.state() === 'failed' && failedHere === 0) count.failed++;
    }
    // An error no test caught (a rejected promise after its test ended) fails the run too.
    count.failed += unhandledErrors.length;
    process.stdout.write(`\nvitest: ${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped\n`);
  }
}
