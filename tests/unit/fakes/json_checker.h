#ifndef PIPELINE_TESTS_UNIT_FAKES_JSON_CHECKER_H_
#define PIPELINE_TESTS_UNIT_FAKES_JSON_CHECKER_H_

#include <cctype>
#include <string>

namespace pipeline::fakes {

/// A strict-enough JSON syntax check (RFC 8259 grammar and strict UTF-8 in strings, no semantics):
/// Poco::JSON is not linked into report_test, and a string check alone would miss a stray quote.
class JsonChecker {
 public:
  explicit JsonChecker(const std::string& text) : text_(text) {}

  /// True when the whole text is exactly one JSON object.
  bool IsOneObject() {
    pos_ = 0;
    SkipSpace();
    if (Peek() != '{' || !Value()) return false;
    SkipSpace();
    return pos_ == text_.size();
  }

 private:
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void SkipSpace() {
    while (pos_ < text_.size() && std::string(" \t\r\n").find(text_[pos_]) != std::string::npos) {
      ++pos_;
    }
  }
  bool Literal(const char* word) {
    std::string w(word);
    if (text_.compare(pos_, w.size(), w) != 0) return false;
    pos_ += w.size();
    return true;
  }
  bool Value() {
    SkipSpace();
    char c = Peek();
    if (c == '{') return Object();
    if (c == '[') return Array();
    if (c == '"') return String();
    if (c == 't') return Literal("true");
    if (c == 'f') return Literal("false");
    if (c == 'n') return Literal("null");
    return Number();
  }
  bool Object() {
    ++pos_;
    SkipSpace();
    if (Peek() == '}') return ++pos_, true;
    while (true) {
      SkipSpace();
      if (!String()) return false;
      SkipSpace();
      if (Peek() != ':') return false;
      ++pos_;
      if (!Value()) return false;
      SkipSpace();
      if (Peek() == '}') return ++pos_, true;
      if (Peek() != ',') return false;
      ++pos_;
    }
  }
  bool Array() {
    ++pos_;
    SkipSpace();
    if (Peek() == ']') return ++pos_, true;
    while (true) {
      if (!Value()) return false;
      SkipSpace();
      if (Peek() == ']') return ++pos_, true;
      if (Peek() != ',') return false;
      ++pos_;
    }
  }
  bool String() {
    if (Peek() != '"') return false;
    ++pos_;
    while (pos_ < text_.size()) {
      unsigned char c = static_cast<unsigned char>(text_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c >= 0x80) {
        --pos_;
        if (!Utf8Sequence()) return false;
        continue;
      }
      if (c != '\\') continue;
      char e = Peek();
      ++pos_;
      if (e == 'u') {
        for (int i = 0; i < 4; ++i, ++pos_) {
          if (!std::isxdigit(static_cast<unsigned char>(Peek()))) return false;
        }
      } else if (std::string("\"\\/bfnrt").find(e) == std::string::npos) {
        return false;
      }
    }
    return false;
  }
  /// Consumes one UTF-8 sequence as RFC 3629 allows it (no overlong forms, no surrogates, nothing
  /// above U+10FFFF).
  bool Utf8Sequence() {
    auto byte = [&](size_t k) {
      return pos_ + k < text_.size() ? static_cast<unsigned char>(text_[pos_ + k]) : 0;
    };
    unsigned char lead = byte(0);
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (byte(1) < low || byte(1) > high) return false;
    for (size_t k = 2; k < length; ++k) {
      if ((byte(k) & 0xC0) != 0x80) return false;
    }
    pos_ += length;
    return true;
  }

  bool Number() {
    size_t start = pos_;
    if (Peek() == '-') ++pos_;
    if (!std::isdigit(static_cast<unsigned char>(Peek()))) return false;
    while (std::isdigit(static_cast<unsigned char>(Peek()))) ++pos_;
    if (Peek() == '.') {
      ++pos_;
      if (!std::isdigit(static_cast<unsigned char>(Peek()))) return false;
      while (std::isdigit(static_cast<unsigned char>(Peek()))) ++pos_;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      ++pos_;
      if (Peek() == '+' || Peek() == '-') ++pos_;
      if (!std::isdigit(static_cast<unsigned char>(Peek()))) return false;
      while (std::isdigit(static_cast<unsigned char>(Peek()))) ++pos_;
    }
    return pos_ > start;
  }

  const std::string& text_;
  size_t pos_ = 0;
};

}  // namespace pipeline::fakes

#endif  // PIPELINE_TESTS_UNIT_FAKES_JSON_CHECKER_H_
