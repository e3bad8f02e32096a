#!/usr/bin/env bash
# The JUnit file must be read by two independent real consumers, not only by our own tests:
#   1. Apache Ant's <junitreport> task (Debian's ant + ant-optional), which CI servers have used
#      for years to merge and render JUnit files;
#   2. test-results-parser from the npm registry (the parser behind testbeats), plus
#      junit-report-merger's `jrm`, which must merge the file without complaint.
# A run with a passing job, a failing job (output with XML-hostile bytes) and a skipped job is
# checked against the totals each consumer reports.
# Usage: junit_consumers.sh DOCKER_PIPELINE_BINARY
set -euo pipefail
binary=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
tools="$top/build-consumers"   # npm packages are installed here once
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v ant >/dev/null || { echo "ant is missing: run install/dev-setup.sh" >&2; exit 1; }
if [ ! -d "$tools/node_modules/test-results-parser" ] || [ ! -d "$tools/node_modules/junit-report-merger" ]; then
  mkdir -p "$tools"
  npm install --silent --no-audit --no-fund --prefix "$tools" test-results-parser@0.4 junit-report-merger@7 >/dev/null
fi

repo="$work/repo"
mkdir -p "$repo"
cat >"$repo/.pipeline.yml" <<'YAML'
image: docker-pipeline/busybox:latest
stages: [build, test, deploy]
compile:
  stage: build
  script: [echo compiled]
unit:
  stage: test
  script:
    - printf 'a <tag> & "quotes" \001 and bad utf-8 \377\n'
    - exit 3
release:
  stage: deploy
  script: [echo never]
YAML
git -C "$repo" init -q && git -C "$repo" add -A &&
  git -C "$repo" -c user.name=t -c user.email=t@localhost commit -qm t
set +e
(cd "$repo" && "$binary" run --junit "$work/report.xml" --junit-dir "$work/junit" --no-color >"$work/run.log" 2>&1)
code=$?
set -e
[ "$code" = 1 ] || { cat "$work/run.log"; echo "expected exit 1, got $code" >&2; exit 1; }

# 1. Ant's junitreport reads the --junit-dir layout (one <testsuite> root per file), merges it into
#    TESTS-TestSuites.xml and renders HTML; it fails on XML it cannot parse.
cat >"$work/build.xml" <<XML
<project name="consume" default="report">
  <target name="report">
    <junitreport todir="$work/ant">
      <fileset dir="$work/junit" includes="TEST-*.xml"/>
      <report format="noframes" todir="$work/ant"/>
    </junitreport>
  </target>
</project>
XML
mkdir -p "$work/ant"
ant -q -f "$work/build.xml" >"$work/ant.log" 2>&1 || { cat "$work/ant.log"; exit 1; }
grep -q 'name="unit"' "$work/ant/TESTS-TestSuites.xml" || { echo "ant lost the testcase" >&2; exit 1; }
grep -qi 'failure' "$work/ant/junit-noframes.html" || { echo "ant report shows no failure" >&2; exit 1; }
echo "ant junitreport: merged and rendered $(grep -c '<testcase' "$work/ant/TESTS-TestSuites.xml") testcases"

# 2. npm consumers.
NODE_PATH="$tools/node_modules" node - "$work/report.xml" <<'JS'
const { parse } = require('test-results-parser');
const result = parse({ type: 'junit', files: [process.argv[2]] });
// Its total counts the tests that ran: skipped ones are reported apart.
const want = { total: 2, passed: 1, failed: 1, skipped: 1 };
for (const [key, value] of Object.entries(want)) {
  if (result[key] !== value) {
    console.error(`test-results-parser: ${key} is ${result[key]}, want ${value}`);
    process.exit(1);
  }
}
console.log(`test-results-parser: total ${result.total}, passed ${result.passed}, failed ${result.failed}, skipped ${result.skipped}`);
JS
"$tools/node_modules/.bin/jrm" "$work/merged.xml" "$work/report.xml" >/dev/null
grep -q 'tests="3"' "$work/merged.xml" || { echo "jrm merged something else" >&2; cat "$work/merged.xml"; exit 1; }
echo "junit-report-merger: merged 3 tests"
