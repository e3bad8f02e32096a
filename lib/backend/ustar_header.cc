#include "backend/ustar_header.h"

#include <cstdio>
#include <cstring>

namespace pipeline::backend {
namespace {

/// Writes `value` as a zero-padded octal number filling `width` bytes, the last one NUL.
void Octal(char* field, size_t width, unsigned long long value) {
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), value);
}

}  // namespace

void FinishUstarHeader(char* header, const UstarFields& fields) {
  Octal(header + 100, 8, fields.mode & 07777);
  Octal(header + 108, 8, fields.uid);
  Octal(header + 116, 8, fields.gid);
  Octal(header + 124, 12, fields.size);
  Octal(header + 136, 12, fields.mtime);
  header[156] = fields.type;
  std::memcpy(header + 257, "ustar", 6);
  std::memcpy(header + 263, "00", 2);
  // The checksum is computed with its own field read as spaces.
  std::memset(header + 148, ' ', 8);
  unsigned sum = 0;
  for (size_t i = 0; i < kTarBlock; ++i) sum += static_cast<unsigned char>(header[i]);
  std::snprintf(header + 148, 8, "%06o", sum);
}

}  // namespace pipeline::backend
