#include "parse/gitlab_expression.h"

#include <cctype>
#include <regex>
#include <utility>
#include <vector>

namespace pipeline::parse {
namespace {

enum class TokenKind {
  kVariable,
  kString,
  kPattern,
  kNull,
  kEquals,
  kNotEquals,
  kMatches,
  kNotMatches,
  kAnd,
  kOr,
  kOpen,
  kClose,
  kEnd
};

struct Token {
  TokenKind kind;
  std::string text;   ///< the variable's name, the string, the pattern's source
  std::string flags;  ///< a pattern's flags
  size_t column;      ///< 1-based
};

std::string At(size_t column) { return " at column " + std::to_string(column); }

/// Splits the text into tokens. GitLab's lexer has no escapes in strings; a pattern ends at the
/// first `/` not preceded by a backslash.
std::vector<Token> Tokenize(const std::string& text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    size_t column = i + 1;
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    auto two = [&](const char* op) { return text.compare(i, 2, op) == 0; };
    if (c == '$') {
      size_t start = ++i;
      bool braced = i < text.size() && text[i] == '{';
      if (braced) start = ++i;
      while (i < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_'))
        ++i;
      if (i == start) throw ExpressionError("'$' without a variable name" + At(column));
      std::string name = text.substr(start, i - start);
      if (braced) {
        if (i >= text.size() || text[i] != '}')
          throw ExpressionError("'${' without '}'" + At(column));
        ++i;
      }
      tokens.push_back({TokenKind::kVariable, name, "", column});
    } else if (c == '"' || c == '\'') {
      size_t end = text.find(c, i + 1);
      if (end == std::string::npos) {
        throw ExpressionError(std::string("string not closed with ") + c + At(column));
      }
      tokens.push_back({TokenKind::kString, text.substr(i + 1, end - i - 1), "", column});
      i = end + 1;
    } else if (c == '/') {
      size_t end = i + 1;
      while (end < text.size() && text[end] != '/') end += text[end] == '\\' ? 2 : 1;
      if (end >= text.size())
        throw ExpressionError("regular expression not closed with /" + At(column));
      std::string source = text.substr(i + 1, end - i - 1);
      i = end + 1;
      size_t flags_start = i;
      while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
      tokens.push_back(
          {TokenKind::kPattern, source, text.substr(flags_start, i - flags_start), column});
    } else if (text.compare(i, 4, "null") == 0 &&
               (i + 4 == text.size() || !std::isalnum(static_cast<unsigned char>(text[i + 4])))) {
      tokens.push_back({TokenKind::kNull, "null", "", column});
      i += 4;
    } else if (two("==") || two("!=") || two("=~") || two("!~") || two("&&") || two("||")) {
      static const std::pair<const char*, TokenKind> kOps[] = {
          {"==", TokenKind::kEquals},  {"!=", TokenKind::kNotEquals},
          {"=~", TokenKind::kMatches}, {"!~", TokenKind::kNotMatches},
          {"&&", TokenKind::kAnd},     {"||", TokenKind::kOr}};
      for (const auto& [op, kind] : kOps) {
        if (two(op)) tokens.push_back({kind, op, "", column});
      }
      i += 2;
    } else if (c == '(' || c == ')') {
      tokens.push_back(
          {c == '(' ? TokenKind::kOpen : TokenKind::kClose, std::string(1, c), "", column});
      ++i;
    } else {
      throw ExpressionError("unexpected '" + text.substr(i, 1) + "'" + At(column) +
                            " (an expression compares $VARIABLES, 'strings', /regex/ and null "
                            "with ==, !=, =~, !~, joined by && and ||)");
    }
  }
  tokens.push_back({TokenKind::kEnd, "", "", text.size() + 1});
  return tokens;
}

/// A value while evaluating: GitLab's evaluator is Ruby, where && and || hand back one of their
/// operands, so a value may be null, a string, a boolean or a pattern.
struct Value {
  enum Kind { kNull, kString, kBool, kPattern } kind = kNull;
  std::string text;
  std::string flags;
  bool flag = false;

  /// Ruby truthiness, used by && and ||: only null and false are false.
  bool Truthy() const { return kind != kNull && !(kind == kBool && !flag); }
  /// GitLab's final verdict (`present?`): an empty string is false too.
  bool Present() const { return Truthy() && !(kind == kString && text.empty()); }
};

Value Bool(bool flag) { return {Value::kBool, "", "", flag}; }

/// A pattern's source and flags from "/source/flags" (a variable on the right of =~); a string
/// of another form is taken as the source itself.
Value AsPattern(const Value& value) {
  if (value.kind != Value::kString) return value;
  const std::string& text = value.text;
  size_t last = text.rfind('/');
  if (text.size() >= 2 && text[0] == '/' && last > 0) {
    std::string flags = text.substr(last + 1);
    bool letters = true;
    for (char c : flags) letters = letters && std::isalpha(static_cast<unsigned char>(c));
    if (letters) return {Value::kPattern, text.substr(1, last - 1), flags, false};
  }
  return {Value::kPattern, text, "", false};
}

std::regex Compile(const Value& pattern) {
  auto options = std::regex::ECMAScript;
  for (char flag : pattern.flags) {
    if (flag == 'i') options |= std::regex::icase;
    if (flag == 'm') options |= std::regex::multiline;
    // 's' and 'U' (RE2's dot-all and ungreedy) have no ECMAScript switch: left off.
    if (flag != 'i' && flag != 'm' && flag != 's' && flag != 'U') {
      throw ExpressionError("/" + pattern.text + "/" + pattern.flags + ": unknown flag '" +
                            std::string(1, flag) + "' (GitLab knows i, m, s, U)");
    }
  }
  try {
    return std::regex(pattern.text, options);
  } catch (const std::regex_error& error) {
    throw ExpressionError("/" + pattern.text + "/ is not a regular expression: " + error.what());
  }
}

}  // namespace

struct GitLabExpression::Node {
  Token token;
  std::unique_ptr<Node> left;
  std::unique_ptr<Node> right;

  Value Evaluate(const VariableLookup& lookup) const {
    switch (token.kind) {
      case TokenKind::kVariable: {
        std::optional<std::string> value = lookup(token.text);
        return value ? Value{Value::kString, *value, "", false} : Value{};
      }
      case TokenKind::kString:
        return {Value::kString, token.text, "", false};
      case TokenKind::kPattern:
        return {Value::kPattern, token.text, token.flags, false};
      case TokenKind::kNull:
        return {};
      case TokenKind::kEquals:
      case TokenKind::kNotEquals: {
        Value a = left->Evaluate(lookup);
        Value b = right->Evaluate(lookup);
        bool equal = a.kind == b.kind && a.text == b.text && a.flag == b.flag;
        return Bool(equal == (token.kind == TokenKind::kEquals));
      }
      case TokenKind::kMatches:
      case TokenKind::kNotMatches: {
        Value text = left->Evaluate(lookup);
        Value pattern = AsPattern(right->Evaluate(lookup));
        // An undefined pattern variable matches nothing, whichever the operator (GitLab).
        if (pattern.kind == Value::kNull) return Bool(false);
        bool found =
            std::regex_search(text.kind == Value::kString ? text.text : "", Compile(pattern));
        return Bool(found == (token.kind == TokenKind::kMatches));
      }
      case TokenKind::kAnd: {
        Value a = left->Evaluate(lookup);
        return a.Truthy() ? right->Evaluate(lookup) : a;
      }
      case TokenKind::kOr: {
        Value a = left->Evaluate(lookup);
        return a.Truthy() ? a : right->Evaluate(lookup);
      }
      default:
        return {};
    }
  }
};

namespace {

using Node = GitLabExpression::Node;

/// Recursive descent: or := and ('||' and)*; and := compare ('&&' compare)*;
/// compare := operand (op operand)?; operand := value | '(' or ')'.
class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  std::unique_ptr<Node> Parse() {
    if (Peek().kind == TokenKind::kEnd) throw ExpressionError("the expression is empty");
    std::unique_ptr<Node> node = Or();
    if (Peek().kind != TokenKind::kEnd) Unexpected("after a complete expression");
    return node;
  }

 private:
  const Token& Peek() const { return tokens_[next_]; }
  Token Take() { return tokens_[next_++]; }

  [[noreturn]] void Unexpected(const std::string& where) const {
    const Token& token = Peek();
    std::string what = token.kind == TokenKind::kEnd        ? "end of expression"
                       : token.kind == TokenKind::kVariable ? "'$" + token.text + "'"
                                                            : "'" + token.text + "'";
    throw ExpressionError("unexpected " + what + " " + where + At(token.column));
  }

  std::unique_ptr<Node> Binary(Token op, std::unique_ptr<Node> left, std::unique_ptr<Node> right) {
    auto node = std::make_unique<Node>();
    node->token = std::move(op);
    node->left = std::move(left);
    node->right = std::move(right);
    return node;
  }

  /// `operand (op operand)*`, grouped from the left: one precedence level of `||` and `&&`.
  std::unique_ptr<Node> LeftAssociative(TokenKind op_kind,
                                        std::unique_ptr<Node> (Parser::*operand)()) {
    std::unique_ptr<Node> node = (this->*operand)();
    while (Peek().kind == op_kind) {
      Token op = Take();
      node = Binary(op, std::move(node), (this->*operand)());
    }
    return node;
  }

  std::unique_ptr<Node> Or() { return LeftAssociative(TokenKind::kOr, &Parser::And); }
  std::unique_ptr<Node> And() { return LeftAssociative(TokenKind::kAnd, &Parser::Compare); }

  std::unique_ptr<Node> Compare() {
    std::unique_ptr<Node> node = Operand();
    TokenKind kind = Peek().kind;
    if (kind == TokenKind::kEquals || kind == TokenKind::kNotEquals) {
      Token op = Take();
      return Binary(op, std::move(node), Operand());
    }
    if (kind == TokenKind::kMatches || kind == TokenKind::kNotMatches) {
      Token op = Take();
      if (Peek().kind != TokenKind::kPattern && Peek().kind != TokenKind::kVariable) {
        Unexpected("after '" + op.text + "': it takes a /regex/ or a $VARIABLE holding one");
      }
      return Binary(op, std::move(node), Operand());
    }
    return node;
  }

  std::unique_ptr<Node> Operand() {
    TokenKind kind = Peek().kind;
    if (kind == TokenKind::kOpen) {
      Take();
      std::unique_ptr<Node> node = Or();
      if (Peek().kind != TokenKind::kClose) Unexpected("where ')' should close '('");
      Take();
      return node;
    }
    if (kind == TokenKind::kVariable || kind == TokenKind::kString || kind == TokenKind::kPattern ||
        kind == TokenKind::kNull) {
      auto node = std::make_unique<Node>();
      node->token = Take();
      return node;
    }
    Unexpected("where a value ($VARIABLE, 'string', /regex/, null or '(') should be");
  }

  std::vector<Token> tokens_;
  size_t next_ = 0;
};

}  // namespace

GitLabExpression::GitLabExpression(const std::string& text)
    : root_(Parser(Tokenize(text)).Parse()) {}
GitLabExpression::~GitLabExpression() = default;
GitLabExpression::GitLabExpression(GitLabExpression&&) noexcept = default;
GitLabExpression& GitLabExpression::operator=(GitLabExpression&&) noexcept = default;

bool GitLabExpression::Evaluate(const VariableLookup& lookup) const {
  return root_->Evaluate(lookup).Present();
}

}  // namespace pipeline::parse
