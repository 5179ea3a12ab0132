import type { Reporter, TestCase } from 'vitest/node';

// Ends the run with the plain line "N passed, N failed" that CI reads.
export default class SummaryReporter implements Reporter {
  #passed = 0;
  #failed = 0;
  #skipped = 0;

  onTestCaseResult(testCase: TestCase): void {
    const state = testCase.result().state;
    if (state === 'passed') this.#passed++;
    else if (state === 'failed') this.#failed++;
    else this.#skipped++;
  }

  onTestRunEnd(): void {
    const skipped = this.#skipped ? `, ${this.#skipped} skipped` : '';
    process.stdout.write(`\n${this.#passed} passed, ${this.#failed} failed${skipped}\n`);
  }
}
