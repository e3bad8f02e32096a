#include "pipeline/fnv_hash.h"

#include <cstdint>
#include <cstdio>

namespace pipeline {

std::string Fnv1a64Hex(const std::string& text) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

}  // namespace pipeline
