#include "job/secrets_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "job/job_script.h"
#include "model/shell_quote.h"
#include "pipeline/errors.h"

namespace pipeline::exec {

std::string SecretsFileText(const EnvVars& secrets) {
  std::string text;
  for (const auto& [name, value] : secrets)
    text += "export " + name + "=" + ShellQuote(value) + "\n";
  return text;
}

void WriteSecretsFile(const std::string& path, const EnvVars& secrets) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw EnvironmentError("cannot create the secrets file " + path + ": " + std::strerror(errno));
  }
  std::string text = SecretsFileText(secrets);
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int saved = errno;
      close(fd);
      throw EnvironmentError("cannot write the secrets file " + path + ": " + std::strerror(saved));
    }
    written += static_cast<size_t>(n);
  }
  close(fd);
}

std::string LoadSecretsCommand() {
  return std::string("if [ -r ") + kSecretsFileInContainer + " ]; then . " +
         kSecretsFileInContainer + "; fi\n";
}

}  // namespace pipeline::exec
