#ifndef PIPELINE_DOCKER_TLS_OPTIONS_H_
#define PIPELINE_DOCKER_TLS_OPTIONS_H_

#include <string>

#include "pipeline/docker.h"

namespace pipeline::docker {

/// TLS as the docker CLI sets it up without a context: --tlsverify or DOCKER_TLS_VERIFY turn on
/// TLS with verification, --tls or DOCKER_TLS TLS alone; the files come from --tlscacert,
/// --tlscert, --tlskey, else ca.pem, cert.pem, key.pem in DOCKER_CERT_PATH (default: the config
/// directory), where a default file that does not exist is left out, as the CLI does. Throws
/// EnvironmentError for a file named by a flag that does not exist.
TlsOptions TlsFromFlags(const EndpointOptions& options, const EnvLookup& env,
                        const std::string& config_dir);

/// TLS of a context: on when its store `dir` (contexts/tls/ID/docker) holds material or it says
/// SkipTLSVerify, verified unless it says SkipTLSVerify.
TlsOptions TlsFromContext(const std::string& dir, bool skip_verify);

}  // namespace pipeline::docker

#endif  // PIPELINE_DOCKER_TLS_OPTIONS_H_
