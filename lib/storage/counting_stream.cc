#include "storage/counting_stream.h"

namespace pipeline::exec {

CountingStream::int_type CountingStream::underflow() {
  source_.read(buffer_, sizeof(buffer_));
  std::streamsize got = source_.gcount();
  if (got <= 0) return traits_type::eof();
  bytes_ += got;
  setg(buffer_, buffer_, buffer_ + got);
  return traits_type::to_int_type(buffer_[0]);
}

}  // namespace pipeline::exec
