#ifndef PIPELINE_FNV_HASH_H_
#define PIPELINE_FNV_HASH_H_

#include <string>

namespace pipeline {

/// FNV-1a 64 of `text` as 16 lower-case hex digits: a short name that is stable across builds,
/// hosts and versions (cache volume names, cached include files). Not for anything secret.
std::string Fnv1a64Hex(const std::string& text);

}  // namespace pipeline

#endif  // PIPELINE_FNV_HASH_H_
