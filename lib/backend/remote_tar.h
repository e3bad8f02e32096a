#ifndef PIPELINE_BACKEND_REMOTE_TAR_H_
#define PIPELINE_BACKEND_REMOTE_TAR_H_

#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace pipeline::backend {

/// Refuses (EnvironmentError naming `what` and the entry) a tar entry name that could land
/// outside the directory it is extracted into: empty, absolute, or with a ".." component.
/// A leading "./" and trailing '/' are fine.
void CheckTarName(const std::string& name, const std::string& what);

/// Refuses a symbolic link `name` -> `target` that points outside the extraction root: an
/// absolute target, or a relative one climbing above the root from the link's directory.
void CheckLinkTarget(const std::string& name, const std::string& target, const std::string& what);

/// Writes a tar of the trees `sources` (later ones after earlier ones, so on extraction a later
/// file wins), entry names prefixed with `prefix` ("" or "a/b/", whose directories come first),
/// owned by `uid` (group the same). Regular files, directories and symbolic links only; a link
/// out of its tree is refused, as the receiving side would. A source that does not exist is
/// skipped. Long names use pax headers. Throws EnvironmentError.
void WriteTreeTar(const std::vector<std::string>& sources, const std::string& prefix, unsigned uid,
                  std::ostream& out);

/// Extracts the tar read from `in` into the existing directory `dir`, refusing (EnvironmentError,
/// before anything of that entry is written) names out of the root, links out of it, hard links
/// to names out of it, and entries below a symbolic link. Files get the tar's permission bits,
/// never set-id bits; owners are not kept. Returns the number of files written.
size_t ExtractTar(std::istream& in, const std::string& dir, const std::string& what);

/// The directories (relative, without trailing '/') under which files matching the artifact
/// `patterns` can be: each pattern's part before its first wildcard, up to its last '/'; ""
/// when a pattern has a wildcard in its first component. Deduplicated; a path under another
/// one listed is left out.
std::vector<std::string> GlobRoots(const std::vector<std::string>& patterns);

}  // namespace pipeline::backend

#endif  // PIPELINE_BACKEND_REMOTE_TAR_H_
