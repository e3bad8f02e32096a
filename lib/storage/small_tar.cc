#include "storage/small_tar.h"

#include <cstdio>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace pipeline::exec {
namespace {

constexpr size_t kBlock = 512;

/// Writes `value` as a zero-padded octal number filling `width` bytes, the last one NUL.
void Octal(char* field, size_t width, unsigned long long value) {
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), value);
}

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
    Octal(header + 100, 8, directory ? 0755 : 0644);
    Octal(header + 108, 8, entry.uid);
    Octal(header + 116, 8, 0);
    Octal(header + 124, 12, directory ? 0 : entry.content.size());
    Octal(header + 136, 12, static_cast<unsigned long long>(std::time(nullptr)));
    header[156] = directory ? '5' : '0';
    std::memcpy(header + 257, "ustar", 6);
    std::memcpy(header + 263, "00", 2);
    // The checksum is computed with its own field read as spaces.
    std::memset(header + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : header) sum += c;
    std::snprintf(header + 148, 8, "%06o", sum);
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
