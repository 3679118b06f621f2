// Ends the run with one plain "N passed, N failed, N skipped" line, the summary CI reads for
// any test runner (vitest's own closing lines are coloured and spread over several lines).
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const testModule of testModules) {
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === "passed" || state === "failed" || state === "skipped") counts[state] += 1;
      }
      // A file that failed to load has no tests to count; it still fails the run.
      if (testModule.state() === "failed" && !testModule.children.size) counts.failed += 1;
    }
    console.log(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  }
}
