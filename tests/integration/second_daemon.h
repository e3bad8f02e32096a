// A second Docker daemon for the remote-daemon and swarm suites, started by a script of
// install/ (test-remote-daemon.sh, test-swarm.sh) that writes KEY=VALUE lines to a state file:
// DOCKER_HOST, DOCKER_CERT_PATH, DIR (its directory, with docker.sock) and what else it knows.
// ctest's fixtures start one for the whole run and name the state file in an environment
// variable; a direct run of the suite starts one for its own process.
#ifndef PIPELINE_TESTS_INTEGRATION_SECOND_DAEMON_H_
#define PIPELINE_TESTS_INTEGRATION_SECOND_DAEMON_H_

#include <cstddef>
#include <map>
#include <string>

namespace pipeline::testing {

/// How often `needle` is in `text`.
size_t Count(const std::string& text, const std::string& needle);

/// What `command` prints on stdout (run by sh); "" when it cannot start.
std::string Shell(const std::string& command);

class SecondDaemon {
 public:
  /// `script`: install/<script>; `state_variable`: the environment variable ctest sets to the
  /// state file's path; `name`: a word for file names and messages ("remote", "swarm").
  SecondDaemon(std::string script, std::string state_variable, std::string name);

  /// From the suite's SetUpTestSuite: reads ctest's state file, or starts a daemon.
  void Start();
  /// From TearDownTestSuite: stops the daemon Start started, if it did.
  void Stop();

  /// Whether the state file names `key` (the script's sign that the daemon is up).
  bool Has(const std::string& key) const { return state_.count(key) != 0; }
  std::string operator[](const std::string& key) const;
  /// The script's path, for messages.
  const std::string& script() const { return script_; }

  /// The docker CLI on the daemon's own unix socket, stdout and stderr: a fixture, not the
  /// code under test.
  std::string Docker(const std::string& args) const;
  /// Our objects on the daemon, one id per line ("" when none): containers, volumes of runs
  /// (caches aside) and networks; with `swarm_objects`, services and secrets first.
  std::string Leftovers(bool swarm_objects = false) const;
  /// The environment that points our binary at the daemon, over TLS.
  std::map<std::string, std::string> Env() const;

 private:
  std::string script_;
  std::string state_variable_;
  std::string name_;
  std::string state_path_;
  bool started_here_ = false;
  std::map<std::string, std::string> state_;
};

}  // namespace pipeline::testing

#endif  // PIPELINE_TESTS_INTEGRATION_SECOND_DAEMON_H_
