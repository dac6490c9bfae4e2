#!/usr/bin/env node
// Print one plain "N passed, N failed" line from a jest --json results file (CI reads this line).
// A suite that failed without a failing test (it did not compile, a hook threw) counts as one failure,
// and so does a missing or unreadable results file (jest did not get to run): never a silent pass.
// Plain JavaScript so that it runs before anything is built. Usage: node scripts/jest-summary.js <results.json>
"use strict";
const fs = require("fs");

const file = process.argv[2];
let results;
try {
  results = JSON.parse(fs.readFileSync(file, "utf8"));
} catch (err) {
  console.error(`jest-summary: no jest results in ${file} (${err.message}); counting the run as 1 failure`);
  console.log("0 passed, 1 failed");
  process.exit(0);
}
const brokenSuites = (results.testResults || []).filter(
  (s) => s.status === "failed" && !(s.assertionResults || []).some((a) => a.status === "failed"),
);
for (const s of brokenSuites) console.error(`jest-summary: suite failed outside its tests: ${s.name}`);
console.log(`${results.numPassedTests} passed, ${results.numFailedTests + brokenSuites.length} failed`);
