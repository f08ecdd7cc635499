/**
 * Prints one closing line, "tests: N passed, N failed, N skipped", that CI and people can read without
 * parsing Vitest's table. A file that failed to load or whose hooks failed counts as a failure.
 */
export default class SummaryReporter {
  onTestRunEnd(testModules, unhandledErrors) {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of testModules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed += 1;
        else if (state === "failed") failedHere += 1;
        else skipped += 1;
      }
      // A file that failed to load, or whose hooks failed, counts as a failure even with no failed test.
      failed += failedHere || (module.state() === "failed" ? 1 : 0);
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
