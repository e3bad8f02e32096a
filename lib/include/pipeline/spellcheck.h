#ifndef PIPELINE_SPELLCHECK_H_
#define PIPELINE_SPELLCHECK_H_

#include <string>
#include <vector>

namespace pipeline {

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo
/// (at most 2 edits, 1 for words of up to 4 letters); empty otherwise.
std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates);

/// ", did you mean 'x'?" when ClosestMatch finds one, else "".
std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace pipeline

#endif  // PIPELINE_SPELLCHECK_H_
