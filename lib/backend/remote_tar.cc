// The tar streams a remote daemon's workspace travels in, checked on both sides: what we send
// and what a job (untrusted code) sends back may not reach outside the directory it lands in.
#include "backend/remote_tar.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>

#include "backend/ustar_header.h"
#include "pipeline/errors.h"

namespace pipeline::backend {
namespace {

constexpr size_t kBlock = kTarBlock;

std::vector<std::string> Components(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string part = path.substr(start, slash - start);
    if (!part.empty() && part != ".") parts.push_back(part);
    start = slash + 1;
  }
  return parts;
}

/// "./a//b/" -> "a/b"
std::string Clean(const std::string& name) {
  std::string joined;
  for (const std::string& part : Components(name)) joined += (joined.empty() ? "" : "/") + part;
  return joined;
}

[[noreturn]] void Refuse(const std::string& what, const std::string& name, const std::string& why) {
  throw EnvironmentError(what + ": tar entry '" + name + "' refused: " + why);
}

// ---- writing ----

void PutHeader(std::ostream& out, const std::string& name, char type, mode_t mode, unsigned uid,
               unsigned long long size, time_t mtime, const std::string& link);

/// A pax extended header carrying the long `path` and/or `linkpath`.
void PutPax(std::ostream& out, const std::string& name, const std::string& link) {
  std::string records;
  for (auto [key, value] :
       {std::pair<std::string, std::string>{"path", name}, {"linkpath", link}}) {
    if (value.size() < 100) continue;
    std::string body = " " + key + "=" + value + "\n";
    size_t length = body.size() + 1;
    while (std::to_string(length).size() + body.size() != length) ++length;
    records += std::to_string(length) + body;
  }
  if (records.empty()) return;
  PutHeader(out, "PaxHeaders/entry", 'x', 0644, 0, records.size(), 0, "");
  out << records;
  out << std::string((kBlock - records.size() % kBlock) % kBlock, '\0');
}

void PutHeader(std::ostream& out, const std::string& name, char type, mode_t mode, unsigned uid,
               unsigned long long size, time_t mtime, const std::string& link) {
  if (type != 'x') PutPax(out, name, link);
  char header[kBlock] = {};
  std::memcpy(header, name.data(), std::min<size_t>(name.size(), 99));
  std::memcpy(header + 157, link.data(), std::min<size_t>(link.size(), 99));
  FinishUstarHeader(header, {static_cast<unsigned>(mode), uid, uid, size,
                             static_cast<unsigned long long>(mtime < 0 ? 0 : mtime), type});
  out.write(header, kBlock);
}

void PutFile(std::ostream& out, const std::string& path, const std::string& name,
             const struct stat& info, unsigned uid) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw EnvironmentError("cannot read " + path + " to send it: " + strerror(errno));
  PutHeader(out, name, '0', info.st_mode, uid, static_cast<unsigned long long>(info.st_size),
            info.st_mtime, "");
  // Exactly the size announced, even if the file changes meanwhile.
  char buffer[64 * 1024];
  unsigned long long left = static_cast<unsigned long long>(info.st_size);
  while (left > 0) {
    size_t want = static_cast<size_t>(std::min<unsigned long long>(left, sizeof buffer));
    in.read(buffer, static_cast<std::streamsize>(want));
    size_t got = static_cast<size_t>(in.gcount());
    if (got < want) std::memset(buffer + got, 0, want - got);
    out.write(buffer, static_cast<std::streamsize>(want));
    left -= want;
  }
  out << std::string((kBlock - info.st_size % kBlock) % kBlock, '\0');
}

/// Writes `path` (named `name` in the tar, `relative` inside its tree) and what is below it.
void PutTree(std::ostream& out, const std::string& path, const std::string& name,
             const std::string& relative, unsigned uid) {
  struct stat info {};
  if (lstat(path.c_str(), &info) != 0) return;
  if (S_ISDIR(info.st_mode)) {
    if (!name.empty()) PutHeader(out, name + "/", '5', info.st_mode, uid, 0, info.st_mtime, "");
    DIR* dir = opendir(path.c_str());
    if (dir == nullptr) throw EnvironmentError("cannot read " + path + ": " + strerror(errno));
    std::vector<std::string> children;
    while (dirent* entry = readdir(dir)) {
      std::string child = entry->d_name;
      if (child != "." && child != "..") children.push_back(child);
    }
    closedir(dir);
    std::sort(children.begin(), children.end());
    for (const std::string& child : children) {
      PutTree(out, path + "/" + child, name.empty() ? child : name + "/" + child,
              relative.empty() ? child : relative + "/" + child, uid);
    }
  } else if (S_ISLNK(info.st_mode)) {
    std::string target(static_cast<size_t>(info.st_size) + 1, '\0');
    ssize_t got = readlink(path.c_str(), target.data(), target.size());
    if (got < 0) throw EnvironmentError("cannot read the link " + path + ": " + strerror(errno));
    target.resize(static_cast<size_t>(got));
    CheckLinkTarget(relative, target, "sending " + path);
    PutHeader(out, name, '2', 0777, uid, 0, info.st_mtime, target);
  } else if (S_ISREG(info.st_mode)) {
    PutFile(out, path, name, info, uid);
  }  // sockets, fifos, devices: not workspace content
}

// ---- reading ----

unsigned long long Number(const char* field, size_t width) {
  const unsigned char* bytes = reinterpret_cast<const unsigned char*>(field);
  unsigned long long value = 0;
  if (bytes[0] & 0x80) {
    for (size_t i = 1; i < width; ++i) value = (value << 8) | bytes[i];
    return value;
  }
  size_t i = 0;
  while (i < width && (bytes[i] == ' ' || bytes[i] == 0)) ++i;
  for (; i < width && bytes[i] >= '0' && bytes[i] <= '7'; ++i) value = value * 8 + (bytes[i] - '0');
  return value;
}

std::string Field(const char* field, size_t width) {
  return std::string(field, strnlen(field, width));
}

std::string ReadBody(std::istream& in, unsigned long long size, const std::string& what) {
  if (size > (16u << 20)) throw EnvironmentError(what + ": tar extension header too large");
  std::string body(static_cast<size_t>(size), '\0');
  in.read(body.data(), static_cast<std::streamsize>(size));
  if (static_cast<unsigned long long>(in.gcount()) != size) {
    throw EnvironmentError(what + ": the tar stream ends early");
  }
  in.ignore(static_cast<std::streamsize>((kBlock - size % kBlock) % kBlock));
  return body;
}

/// pax records: "LEN key=value\n"...
void ReadPax(const std::string& body, std::string& path, std::string& link) {
  size_t at = 0;
  while (at < body.size()) {
    size_t space = body.find(' ', at);
    if (space == std::string::npos) break;
    size_t length = std::strtoul(body.c_str() + at, nullptr, 10);
    if (length == 0 || at + length > body.size()) break;
    std::string record = body.substr(space + 1, at + length - space - 2);
    size_t equals = record.find('=');
    if (equals != std::string::npos) {
      std::string key = record.substr(0, equals);
      if (key == "path") path = record.substr(equals + 1);
      if (key == "linkpath") link = record.substr(equals + 1);
    }
    at += length;
  }
}

/// Refuses `name` when a directory on its way inside `root` is a symbolic link (made by this
/// tar or already there): writing through it would land wherever it points.
void CheckNoLinkOnTheWay(const std::string& root, const std::string& name,
                         const std::string& what) {
  std::vector<std::string> parts = Components(name);
  std::string path = root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    path += "/" + parts[i];
    struct stat info {};
    if (lstat(path.c_str(), &info) != 0) return;
    if (S_ISLNK(info.st_mode)) Refuse(what, name, "it is below the symbolic link " + parts[i]);
  }
}

void MakeParents(const std::string& root, const std::string& name) {
  std::vector<std::string> parts = Components(name);
  std::string path = root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    path += "/" + parts[i];
    mkdir(path.c_str(), 0755);
  }
}

void WriteEntryFile(std::istream& in, const std::string& path, unsigned long long size, mode_t mode,
                    const std::string& what) {
  unlink(path.c_str());  // never write through a link or into a file shared elsewhere
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode & 0777);
  if (fd < 0) throw EnvironmentError(what + ": cannot create " + path + ": " + strerror(errno));
  char buffer[64 * 1024];
  unsigned long long left = size;
  bool ok = true;
  while (left > 0 && ok) {
    size_t want = static_cast<size_t>(std::min<unsigned long long>(left, sizeof buffer));
    in.read(buffer, static_cast<std::streamsize>(want));
    if (static_cast<size_t>(in.gcount()) != want) break;
    ok = write(fd, buffer, want) == static_cast<ssize_t>(want);
    left -= want;
  }
  close(fd);
  if (left > 0 || !ok) throw EnvironmentError(what + ": cannot write " + path);
  in.ignore(static_cast<std::streamsize>((kBlock - size % kBlock) % kBlock));
}

}  // namespace

void CheckTarName(const std::string& name, const std::string& what) {
  if (name.empty()) Refuse(what, name, "empty name");
  if (name.front() == '/') Refuse(what, name, "absolute path");
  for (const std::string& part : Components(name)) {
    if (part == "..") Refuse(what, name, "'..' in its path");
  }
}

void CheckLinkTarget(const std::string& name, const std::string& target, const std::string& what) {
  if (target.empty()) Refuse(what, name, "a link to nothing");
  if (target.front() == '/') Refuse(what, name, "a link out of the tree (-> " + target + ")");
  std::vector<std::string> parts = Components(name);
  long depth = static_cast<long>(parts.size()) - 1;  // the link's directory
  for (const std::string& part : Components(target)) {
    depth += part == ".." ? -1 : 1;
    if (depth < 0) Refuse(what, name, "a link out of the tree (-> " + target + ")");
  }
}

void WriteTreeTar(const std::vector<std::string>& sources, const std::string& prefix, unsigned uid,
                  std::ostream& out) {
  std::vector<std::string> parts = Components(prefix);
  std::string name;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    name += (name.empty() ? "" : "/") + parts[i];
    PutHeader(out, name + "/", '5', 0755, uid, 0, time(nullptr), "");
  }
  std::string full = Clean(prefix);
  for (const std::string& source : sources) {
    struct stat info {};
    if (lstat(source.c_str(), &info) != 0) continue;
    if (S_ISDIR(info.st_mode)) {
      PutTree(out, source, full, "", uid);
    } else if (S_ISREG(info.st_mode) && !full.empty()) {
      PutFile(out, source, full, info, uid);  // a single file lands at the prefix
    }
  }
  out << std::string(2 * kBlock, '\0');
  if (!out) throw EnvironmentError("cannot write the tar of " + prefix);
}

size_t ExtractTar(std::istream& in, const std::string& dir, const std::string& what) {
  size_t files = 0;
  std::string long_path, long_link;
  char header[kBlock];
  while (in.read(header, kBlock)) {
    if (std::all_of(header, header + kBlock, [](char c) { return c == 0; })) break;
    char type = header[156];
    unsigned long long size = Number(header + 124, 12);
    if (type == 'x' || type == 'L' || type == 'K') {
      std::string body = ReadBody(in, size, what);
      if (type == 'x') ReadPax(body, long_path, long_link);
      if (type == 'L') long_path = body.c_str();
      if (type == 'K') long_link = body.c_str();
      continue;
    }
    if (type == 'g') {
      ReadBody(in, size, what);
      continue;
    }
    std::string name = long_path;
    if (name.empty()) {
      name = Field(header, 100);
      std::string prefix = Field(header + 345, 155);
      if (!prefix.empty() && std::memcmp(header + 257, "ustar", 5) == 0) name = prefix + "/" + name;
    }
    std::string link = long_link.empty() ? Field(header + 157, 100) : long_link;
    long_path.clear();
    long_link.clear();
    mode_t mode = static_cast<mode_t>(Number(header + 100, 8)) & 0777;
    CheckTarName(name, what);
    std::string clean = Clean(name);
    if (clean.empty()) {  // "./": the root itself
      in.ignore(static_cast<std::streamsize>((size + kBlock - 1) / kBlock * kBlock));
      continue;
    }
    CheckNoLinkOnTheWay(dir, clean, what);
    std::string path = dir + "/" + clean;
    MakeParents(dir, clean);
    if (type == '5') {
      if (mkdir(path.c_str(), mode | 0700) != 0 && errno != EEXIST) {
        throw EnvironmentError(what + ": cannot create " + path + ": " + strerror(errno));
      }
      struct stat info {};
      if (lstat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
        Refuse(what, name, "a directory over something that is not one");
      }
    } else if (type == '2') {
      CheckLinkTarget(clean, link, what);
      unlink(path.c_str());
      if (symlink(link.c_str(), path.c_str()) != 0) {
        throw EnvironmentError(what + ": cannot create the link " + path + ": " + strerror(errno));
      }
    } else if (type == '1') {
      CheckTarName(link, what);
      CheckNoLinkOnTheWay(dir, Clean(link), what);
      std::string from = dir + "/" + Clean(link);
      struct stat info {};
      if (lstat(from.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
        Refuse(what, name, "a hard link to something that is not a file of this tar");
      }
      unlink(path.c_str());
      if (::link(from.c_str(), path.c_str()) != 0) {
        throw EnvironmentError(what + ": cannot link " + path + ": " + strerror(errno));
      }
      ++files;
    } else if (type == '0' || type == '\0' || type == '7') {
      WriteEntryFile(in, path, size, mode, what);
      ++files;
      continue;
    } else {
      Refuse(what, name, std::string("unsupported entry type '") + type + "'");
    }
    in.ignore(static_cast<std::streamsize>((size + kBlock - 1) / kBlock * kBlock));
  }
  if (in.bad()) throw EnvironmentError(what + ": reading the tar stream failed");
  return files;
}

std::vector<std::string> GlobRoots(const std::vector<std::string>& patterns) {
  std::set<std::string> roots;
  for (const std::string& pattern : patterns) {
    size_t wild = pattern.find_first_of("*?[{");
    std::string literal = pattern.substr(0, wild);
    if (wild == std::string::npos) {
      roots.insert(Clean(literal));  // a plain path: itself
      continue;
    }
    size_t slash = literal.rfind('/');
    roots.insert(slash == std::string::npos ? "" : Clean(literal.substr(0, slash)));
  }
  std::vector<std::string> kept;
  for (const std::string& root : roots) {
    bool covered = std::any_of(kept.begin(), kept.end(), [&](const std::string& other) {
      return other.empty() || root.rfind(other + "/", 0) == 0;
    });
    if (!covered) kept.push_back(root);
  }
  return kept;
}

}  // namespace pipeline::backend
