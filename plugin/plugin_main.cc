// docker-pipeline: the Docker CLI plugin (`docker pipeline ...`), also usable on its own.
#include <string>
#include <vector>

#include "cli.h"

int main(int argc, char** argv) {
  return pipeline::cli::Main(std::vector<std::string>(argv + 1, argv + argc));
}
