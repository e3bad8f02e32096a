// The Bitbucket `docker` service: a step drives the real daemon through its filtering proxy.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <regex>

#include "integration/cli_fixture.h"
#include "pipeline/docker.h"
#include "pipeline/errors.h"

namespace pipeline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kDebian = "docker-pipeline/debian:bookworm";

class DockerServiceTest : public CliTest {
 protected:
  std::unique_ptr<docker::EngineApi> engine_ = docker::MakeEngineClient(docker::Endpoint{});
};

/// A container outside any run, removed when the test ends.
class ForeignContainer {
 public:
  explicit ForeignContainer(docker::EngineApi& engine) : engine_(engine) {
    docker::ContainerSpec spec;
    spec.image = kBusybox;
    spec.cmd = {"sleep", "600"};
    id_ = engine_.CreateContainer(spec);
    engine_.StartContainer(id_);
  }
  ~ForeignContainer() {
    try {
      engine_.RemoveContainer(id_);
    } catch (const std::exception&) {
    }
  }
  const std::string& id() const { return id_; }

 private:
  docker::EngineApi& engine_;
  std::string id_;
};

TEST_F(DockerServiceTest, AStepBuildsAndRunsOnlyItsOwnContainersAndLeavesNothing) {
  ForeignContainer foreign(*engine_);
  std::string tag = "docker-pipeline-test/built-" + std::to_string(getpid());
  // The 28.x CLI exits 0 from `rm -f` of a missing container by design, so the refusal shows in
  // the daemon's message and in plain `rm`.
  std::string yaml = R"yaml(pipelines:
  default:
    - step:
        image: docker-pipeline/debian:bookworm
        services: [docker]
        script:
          - docker version
          - docker run --rm docker-pipeline/busybox:latest echo hi from inside
          - DOCKER_BUILDKIT=0 docker build -q -t TAG:legacy ctx
          - docker build -q -t TAG:default ctx
          - docker run --rm TAG:default cat /b
          - docker ps -a --no-trunc --format 'seen {{.ID}}'
          - docker rm -f $FOREIGN
          - if docker rm $FOREIGN; then echo RM-WORKED; fi
          - echo "left=$(docker run -d docker-pipeline/busybox:latest sleep 600)"
          - if docker run --rm -v /etc:/x docker-pipeline/busybox:latest true; then echo BIND-WORKED; fi
          - docker run --rm -v $BITBUCKET_CLONE_DIR:/w docker-pipeline/busybox:latest ls /w/ctx
          - ln -s / root-link
          - if docker run --rm -v $BITBUCKET_CLONE_DIR/root-link/etc:/x docker-pipeline/busybox:latest true; then echo LINK-WORKED; fi
          - docker run --rm -v step-data:/d docker-pipeline/busybox:latest sh -c 'echo kept > /d/f'
          - docker run --rm -v step-data:/d docker-pipeline/busybox:latest cat /d/f
          - if docker run --rm --network container:$HOSTNAME docker-pipeline/busybox:latest true; then echo NET-WORKED; fi
)yaml";
  yaml = std::regex_replace(yaml, std::regex("TAG"), tag);
  TempRepo repo({{"ctx/Dockerfile", std::string("FROM ") + kBusybox + "\nRUN echo built > /b\n"},
                 {"bitbucket-pipelines.yml", yaml}});
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color", "-e", "FOREIGN=" + foreign.id()});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("Server:"));
  EXPECT_THAT(run.out, HasSubstr("| hi from inside"));
  EXPECT_THAT(run.out, HasSubstr("| built"));
  EXPECT_THAT(run.out, HasSubstr("| Dockerfile"));
  EXPECT_THAT(run.out, Not(HasSubstr("seen " + foreign.id())));
  EXPECT_THAT(run.out, HasSubstr("No such container: " + foreign.id()));
  EXPECT_THAT(run.out, Not(HasSubstr("| RM-WORKED")));
  EXPECT_THAT(run.out,
              HasSubstr("binding the host path '/etc' is not allowed from a pipeline step"));
  EXPECT_THAT(run.out, Not(HasSubstr("| BIND-WORKED")));
  EXPECT_THAT(run.out, HasSubstr("leads out of the clone dir through a symbolic link"));
  EXPECT_THAT(run.out, Not(HasSubstr("| LINK-WORKED")));
  EXPECT_THAT(run.out, HasSubstr("| kept"));
  EXPECT_THAT(run.out, HasSubstr("which the step did not create, is not allowed"));
  EXPECT_THAT(run.out, Not(HasSubstr("| NET-WORKED")));

  // The foreign container is untouched; what the step left running and built is gone.
  EXPECT_TRUE(engine_->InspectContainer(foreign.id()).running);
  std::smatch left;
  ASSERT_TRUE(std::regex_search(run.out, left, std::regex("left=([0-9a-f]{64})"))) << run.out;
  EXPECT_THROW(engine_->InspectContainer(left[1]), DockerError);
  EXPECT_FALSE(engine_->ImageExists(tag + ":legacy"));
  EXPECT_FALSE(engine_->ImageExists(tag + ":default"));
}

TEST_F(DockerServiceTest, AStepCannotSmuggleAPrivilegedCreateBehindAnUpgrade) {
  // The reported exploit, from inside a step: one write() of a ping asking for an upgrade and a
  // privileged create binding the host's root. The create must be answered 403 and not exist.
  std::string name = "dp-smuggled-" + std::to_string(getpid());
  std::string yaml = R"yaml(pipelines:
  default:
    - step:
        image: docker-pipeline/debian:bookworm
        services: [docker]
        script:
          - |
            perl -MIO::Socket::UNIX -e '
              my $s = IO::Socket::UNIX->new(Peer => "/var/run/docker.sock") or die "connect: $!";
              my $b = q({"Image":"docker-pipeline/busybox:latest","HostConfig":{"Privileged":true,"Binds":["/:/host"]}});
              my $r = "GET /_ping HTTP/1.1\r\nHost: d\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n\r\n"
                    . "POST /containers/create?name=NAME HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\n"
                    . "Content-Length: " . length($b) . "\r\nConnection: close\r\n\r\n" . $b;
              syswrite($s, $r) == length($r) or die "short write";
              shutdown($s, 1);
              while (sysread($s, my $buf, 65536)) { print $buf }
              print "\n"'
)yaml";
  yaml = std::regex_replace(yaml, std::regex("NAME"), name);
  TempRepo repo({{"bitbucket-pipelines.yml", yaml}});
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color"});
  bool created = true;
  try {
    engine_->InspectContainer(name);
    engine_->RemoveContainer(name);
  } catch (const DockerError&) {
    created = false;
  }
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("HTTP/1.1 403 Forbidden"));
  EXPECT_THAT(run.out, HasSubstr("privileged containers are not allowed from a pipeline step"));
  EXPECT_FALSE(created) << run.out;
}

TEST_F(DockerServiceTest, AStepWithoutTheServiceHasNoSocket) {
  TempRepo repo({{"bitbucket-pipelines.yml",
                  std::string("image: ") + kBusybox +
                      "\npipelines:\n  default:\n    - step:\n        script:\n"
                      "          - test -e /var/run/docker.sock || echo no socket\n"
                      "          - echo \"host=${DOCKER_HOST:-unset}\"\n"}});
  ProcessResult run = RunCli(repo.path(), {"run", "--no-color"});
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("| no socket"));
  EXPECT_THAT(run.out, HasSubstr("| host=unset"));
}

TEST_F(DockerServiceTest, ADynamicallyLinkedHostCliIsNotLentToABusyboxImage) {
  // A stand-in for Debian's /usr/bin/docker: dynamically linked, so it cannot run in busybox.
  char dir[] = "/tmp/dp-fake-cli-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string fake = std::string(dir) + "/docker";
  {
    std::ifstream in("/bin/true", std::ios::binary);
    std::ofstream out(fake, std::ios::binary);
    out << in.rdbuf();
  }
  chmod(fake.c_str(), 0755);
  TempRepo repo({{"bitbucket-pipelines.yml",
                  std::string("image: ") + kBusybox +
                      "\npipelines:\n  default:\n    - step:\n        services: [docker]\n"
                      "        script:\n          - docker version || echo no docker here\n"
                      "          - echo \"host=$DOCKER_HOST\"\n"}});
  ProcessResult run =
      RunCli(repo.path(), {"run", "--no-color"}, {{"PATH", std::string(dir) + ":/usr/bin:/bin"}});
  unlink(fake.c_str());
  rmdir(dir);
  ASSERT_EQ(run.exit_code, 0) << run.all();
  EXPECT_THAT(run.out, HasSubstr("this image has no docker CLI and the host's " + fake +
                                 " does not run in it (it is dynamically linked"));
  EXPECT_THAT(run.out, HasSubstr("| no docker here"));
  EXPECT_THAT(run.out, HasSubstr("| host=unix:///var/run/docker.sock"));
}

}  // namespace
}  // namespace pipeline::testing
