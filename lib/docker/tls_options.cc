// Where the docker CLI finds its TLS material, so a DOCKER_CERT_PATH or a context made with
// `docker context create --docker host=tcp://...,ca=...,cert=...,key=...` works here unchanged.
#include "docker/tls_options.h"

#include <unistd.h>

#include "pipeline/errors.h"

namespace pipeline::docker {
namespace {

bool Exists(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

/// The flag's file, which must exist; else `dir/name` when it exists; else none.
std::string PickFile(const std::string& flag_name, const std::string& flag_value,
                     const std::string& dir, const std::string& name) {
  if (!flag_value.empty()) {
    if (!Exists(flag_value)) {
      throw EnvironmentError(flag_name + " " + flag_value + ": no such file (or not readable)");
    }
    return flag_value;
  }
  std::string path = dir + "/" + name;
  return Exists(path) ? path : "";
}

}  // namespace

TlsOptions TlsFromFlags(const EndpointOptions& options, const EnvLookup& env,
                        const std::string& config_dir) {
  TlsOptions tls;
  tls.verify = options.tls_verify || !env("DOCKER_TLS_VERIFY").empty();
  tls.enabled = tls.verify || options.tls || !env("DOCKER_TLS").empty();
  if (!tls.enabled) return tls;
  std::string cert_path = env("DOCKER_CERT_PATH");
  if (cert_path.empty()) cert_path = config_dir;
  tls.ca_file = PickFile("--tlscacert", options.tls_ca, cert_path, "ca.pem");
  tls.cert_file = PickFile("--tlscert", options.tls_cert, cert_path, "cert.pem");
  tls.key_file = PickFile("--tlskey", options.tls_key, cert_path, "key.pem");
  return tls;
}

TlsOptions TlsFromContext(const std::string& dir, bool skip_verify) {
  TlsOptions tls;
  tls.ca_file = PickFile("", "", dir, "ca.pem");
  tls.cert_file = PickFile("", "", dir, "cert.pem");
  tls.key_file = PickFile("", "", dir, "key.pem");
  tls.enabled = skip_verify || !tls.ca_file.empty() || !tls.cert_file.empty();
  tls.verify = tls.enabled && !skip_verify;
  return tls;
}

}  // namespace pipeline::docker
