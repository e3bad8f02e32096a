#ifndef PIPELINE_PARSE_GITLAB_EXPRESSION_H_
#define PIPELINE_PARSE_GITLAB_EXPRESSION_H_

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace pipeline::parse {

/// A syntax error in an expression; the message says where ("at column 7") but not in which file:
/// the reader adds that.
class ExpressionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A variable's value, or nullopt when it is not defined (GitLab's `null`).
using VariableLookup = std::function<std::optional<std::string>(const std::string& name)>;

/// GitLab's CI/CD variable expressions, as `rules:if`, `only:variables` and `except:variables`
/// write them: `$VAR`, "string" and 'string', /regex/flags, null, ==, !=, =~, !~, && (binding
/// tighter than ||), || and parentheses. Parsed once, then evaluated against variables.
class GitLabExpression {
 public:
  /// Throws ExpressionError for text that is not an expression.
  explicit GitLabExpression(const std::string& text);
  ~GitLabExpression();
  GitLabExpression(GitLabExpression&&) noexcept;
  GitLabExpression& operator=(GitLabExpression&&) noexcept;

  /// Whether the expression holds, as GitLab decides it: a comparison's result, or for a lone
  /// value whether it is defined and not empty. Throws ExpressionError for a regular expression
  /// that does not compile.
  bool Evaluate(const VariableLookup& lookup) const;

  struct Node;

 private:
  std::unique_ptr<Node> root_;
};

}  // namespace pipeline::parse

#endif  // PIPELINE_PARSE_GITLAB_EXPRESSION_H_
