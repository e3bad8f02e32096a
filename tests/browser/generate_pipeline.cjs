// A GitLab pipeline of N trivial jobs over 10 stages, each after one job of the stage before
// (`needs`), for measuring the dashboard on a big graph: node generate_pipeline.cjs N IMAGE
'use strict';
const count = Number(process.argv[2] || 200);
const image = process.argv[3] || 'docker-pipeline/busybox:latest';
const stages = 10;
const lines = [`image: ${image}`, `stages: [${Array.from({length: stages}, (_, s) => 's' + s).join(', ')}]`];
const perStage = Math.ceil(count / stages);
for (let i = 0; i < count; ++i) {
  const stage = Math.floor(i / perStage);
  lines.push(`job${i}:`, `  stage: s${stage}`);
  lines.push(stage === 0 ? '  needs: []' : `  needs: [job${(stage - 1) * perStage + (i % perStage)}]`);
  lines.push("  script: ['sleep 600']");
}
console.log(lines.join('\n'));
