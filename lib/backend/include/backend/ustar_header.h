#ifndef PIPELINE_BACKEND_USTAR_HEADER_H_
#define PIPELINE_BACKEND_USTAR_HEADER_H_

#include <cstddef>

namespace pipeline::backend {

/// The size of a tar block, and of a ustar header.
constexpr size_t kTarBlock = 512;

/// The numbers of one ustar header.
struct UstarFields {
  unsigned mode = 0;               ///< permission bits only
  unsigned uid = 0;
  unsigned gid = 0;
  unsigned long long size = 0;     ///< the content's bytes; 0 for a directory or a link
  unsigned long long mtime = 0;    ///< seconds since the epoch
  char type = '0';                 ///< '0' file, '5' directory, '2' symlink, 'x' pax record
};

/// Writes `fields`, the ustar magic and, last, the checksum into `header` (kTarBlock bytes) whose
/// name, prefix and link the caller has already set: both the remote backend's workspace tars
/// and storage's small bookkeeping tars finish their headers here.
void FinishUstarHeader(char* header, const UstarFields& fields);

}  // namespace pipeline::backend

#endif  // PIPELINE_BACKEND_USTAR_HEADER_H_
