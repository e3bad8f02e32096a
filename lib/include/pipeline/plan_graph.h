#ifndef PIPELINE_PLAN_GRAPH_H_
#define PIPELINE_PLAN_GRAPH_H_

// `plan --format dot|mermaid`: the job graph as Graphviz or Mermaid text (lib/report).

#include <string>

#include "pipeline/model.h"
#include "pipeline/plan.h"

namespace pipeline {

/// Graphviz DOT: one node per job (stages as clusters when the file has stages), an edge per job
/// it waits for (the plan's: GitLab's stage order included), manual jobs the plan leaves out
/// dashed. `dot -Tsvg` draws it.
std::string RenderPlanDot(const Pipeline& pipeline, const Plan& plan);

/// The same graph as a Mermaid flowchart (`flowchart LR`), as GitLab and GitHub render it in
/// Markdown; nodes are j0, j1, ... with the job names as labels.
std::string RenderPlanMermaid(const Pipeline& pipeline, const Plan& plan);

}  // namespace pipeline

#endif  // PIPELINE_PLAN_GRAPH_H_
