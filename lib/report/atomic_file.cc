#include "report/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "pipeline/errors.h"

namespace pipeline::report {

void WriteFileAtomically(const std::string& path, const std::string& content) {
  std::string temporary = path + ".tmp-" + std::to_string(getpid());
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (file == nullptr) {
    throw EnvironmentError("cannot write " + path + ": " + std::strerror(errno));
  }
  bool ok = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  ok = std::fflush(file) == 0 && ok;
  ok = fsync(fileno(file)) == 0 && ok;
  ok = std::fclose(file) == 0 && ok;
  if (!ok || std::rename(temporary.c_str(), path.c_str()) != 0) {
    int error = errno;
    std::remove(temporary.c_str());
    throw EnvironmentError("cannot write " + path + ": " + std::strerror(error));
  }
}

namespace {

class FileReport : public RunObserver {
 public:
  FileReport(std::string path, std::function<std::string(const RunResult&)> render)
      : path_(std::move(path)), render_(std::move(render)) {}
  void OnRunFinished(const RunResult& run) override { WriteFileAtomically(path_, render_(run)); }

 private:
  std::string path_;
  std::function<std::string(const RunResult&)> render_;
};

}  // namespace

std::shared_ptr<RunObserver> MakeFileReport(std::string path,
                                            std::function<std::string(const RunResult&)> render) {
  return std::make_shared<FileReport>(std::move(path), std::move(render));
}

}  // namespace pipeline::report
