#ifndef PIPELINE_TESTS_UNIT_PARSE_PARSE_ERROR_OF_H_
#define PIPELINE_TESTS_UNIT_PARSE_PARSE_ERROR_OF_H_

#include <gtest/gtest.h>

#include <string>

#include "pipeline/errors.h"

namespace pipeline::testing {

/// The message of the ParseError `action` throws; a test failure (and "") when it throws none.
template <typename Action>
std::string ParseErrorOf(Action action, const std::string& input = "") {
  try {
    action();
  } catch (const ParseError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no ParseError" << (input.empty() ? "" : " for:\n" + input);
  return "";
}

}  // namespace pipeline::testing

#endif  // PIPELINE_TESTS_UNIT_PARSE_PARSE_ERROR_OF_H_
