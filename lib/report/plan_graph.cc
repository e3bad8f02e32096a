// `plan --format dot|mermaid`: the plan's DAG for Graphviz and Mermaid.
#include "pipeline/plan_graph.h"

#include <algorithm>
#include <map>
#include <vector>

namespace pipeline {
namespace {

/// The graph both formats draw: nodes in plan order then the manual jobs left out, grouped.
struct Graph {
  struct Node {
    std::string name;
    bool manual = false;  ///< left out of the plan until asked for: drawn dashed
  };
  std::vector<Node> nodes;
  std::vector<std::pair<size_t, size_t>> edges;                     ///< from (needed) -> to
  std::vector<std::pair<std::string, std::vector<size_t>>> groups;  ///< stage -> nodes
};

Graph BuildGraph(const Pipeline& pipeline, const Plan& plan) {
  Graph graph;
  std::map<std::string, size_t> index;
  std::vector<std::string> stage_of;
  for (const PlannedJob& planned : plan.jobs) {
    index[planned.job.name] = graph.nodes.size();
    graph.nodes.push_back({planned.job.name, false});
    stage_of.push_back(planned.job.stage);
  }
  for (const Job& job : pipeline.jobs) {
    if (index.count(job.name) || !job.manual) continue;
    index[job.name] = graph.nodes.size();
    graph.nodes.push_back({job.name, true});
    stage_of.push_back(job.stage);
  }
  for (size_t i = 0; i < plan.jobs.size(); ++i) {
    for (size_t dep : plan.jobs[i].deps) graph.edges.emplace_back(dep, i);
  }
  for (const Job& job : pipeline.jobs) {
    auto to = index.find(job.name);
    if (to == index.end() || !graph.nodes[to->second].manual || !job.needs) continue;
    for (const std::string& need : *job.needs) {
      auto from = index.find(need);
      if (from != index.end()) graph.edges.emplace_back(from->second, to->second);
    }
  }
  // Bitbucket has no stages (its steps' order is the edges); elsewhere a group per stage.
  if (pipeline.format == Format::kBitbucket) return graph;
  std::vector<std::string> order = pipeline.stages;
  for (const std::string& stage : stage_of) {
    if (std::find(order.begin(), order.end(), stage) == order.end()) order.push_back(stage);
  }
  for (const std::string& stage : order) {
    std::vector<size_t> members;
    for (size_t i = 0; i < stage_of.size(); ++i) {
      if (stage_of[i] == stage && !stage.empty()) members.push_back(i);
    }
    if (!members.empty()) graph.groups.emplace_back(stage, members);
  }
  return graph;
}

std::string DotString(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    if (c == '\n') {
      quoted += "\\n";
      continue;
    }
    quoted += c;
  }
  return quoted + "\"";
}

/// Mermaid reads `"` and `#` in a quoted label as its own; entity codes stand for them.
std::string MermaidLabel(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') {
      quoted += "#quot;";
    } else if (c == '#') {
      quoted += "#35;";
    } else if (c == '\n') {
      quoted += ' ';
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

std::string DotNode(const Graph::Node& node) {
  return DotString(node.name) + (node.manual ? " [style=\"rounded,dashed\"]" : "") + ";\n";
}

}  // namespace

std::string RenderPlanDot(const Pipeline& pipeline, const Plan& plan) {
  Graph graph = BuildGraph(pipeline, plan);
  std::string text = "digraph " +
                     DotString(pipeline.selected.empty() ? "pipeline" : pipeline.selected) +
                     " {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n";
  std::vector<bool> grouped(graph.nodes.size(), false);
  for (size_t g = 0; g < graph.groups.size(); ++g) {
    text += "  subgraph " + DotString("cluster_" + std::to_string(g)) +
            " {\n    label=" + DotString(graph.groups[g].first) + ";\n";
    for (size_t member : graph.groups[g].second) {
      text += "    " + DotNode(graph.nodes[member]);
      grouped[member] = true;
    }
    text += "  }\n";
  }
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!grouped[i]) text += "  " + DotNode(graph.nodes[i]);
  }
  for (const auto& [from, to] : graph.edges) {
    text += "  " + DotString(graph.nodes[from].name) + " -> " + DotString(graph.nodes[to].name) +
            (graph.nodes[to].manual ? " [style=dashed]" : "") + ";\n";
  }
  return text + "}\n";
}

std::string RenderPlanMermaid(const Pipeline& pipeline, const Plan& plan) {
  Graph graph = BuildGraph(pipeline, plan);
  auto id = [](size_t i) { return "j" + std::to_string(i); };
  std::string text = "flowchart LR\n";
  std::vector<bool> grouped(graph.nodes.size(), false);
  auto node = [&](size_t i) {
    return id(i) + (graph.nodes[i].manual ? "([" : "[") + MermaidLabel(graph.nodes[i].name) +
           (graph.nodes[i].manual ? "])" : "]") + "\n";
  };
  for (size_t g = 0; g < graph.groups.size(); ++g) {
    text += "  subgraph s" + std::to_string(g) + "[" + MermaidLabel(graph.groups[g].first) + "]\n";
    for (size_t member : graph.groups[g].second) {
      text += "    " + node(member);
      grouped[member] = true;
    }
    text += "  end\n";
  }
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!grouped[i]) text += "  " + node(i);
  }
  for (const auto& [from, to] : graph.edges) {
    text += "  " + id(from) + (graph.nodes[to].manual ? " -.-> " : " --> ") + id(to) + "\n";
  }
  return text;
}

}  // namespace pipeline
