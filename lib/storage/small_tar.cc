#include "storage/small_tar.h"

#include <cstdio>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include "backend/ustar_header.h"

namespace pipeline::exec {
namespace {

constexpr size_t kBlock = backend::kTarBlock;

/// ustar keeps a long name's leading directories in a separate 155-byte prefix field.
void SetName(char* header, const std::string& name) {
  if (name.size() <= 100) {
    std::memcpy(header, name.data(), name.size());
    return;
  }
  size_t split = name.rfind('/', name.size() - 2);
  while (split != std::string::npos && split > 155) split = name.rfind('/', split - 1);
  if (split == std::string::npos || name.size() - split - 1 > 100) {
    throw std::invalid_argument("tar entry name too long: " + name);
  }
  std::memcpy(header + 345, name.data(), split);
  std::memcpy(header, name.data() + split + 1, name.size() - split - 1);
}

}  // namespace

std::string SmallTar(const std::vector<TarEntry>& entries) {
  std::string tar;
  for (const TarEntry& entry : entries) {
    bool directory = !entry.name.empty() && entry.name.back() == '/';
    char header[kBlock] = {};
    SetName(header, entry.name);
    backend::FinishUstarHeader(
        header, {directory ? 0755u : 0644u, entry.uid, 0,
                 directory ? 0 : static_cast<unsigned long long>(entry.content.size()),
                 static_cast<unsigned long long>(std::time(nullptr)), directory ? '5' : '0'});
    tar.append(header, kBlock);
    if (!directory) {
      tar.append(entry.content);
      tar.append((kBlock - entry.content.size() % kBlock) % kBlock, '\0');
    }
  }
  tar.append(2 * kBlock, '\0');
  return tar;
}

}  // namespace pipeline::exec
