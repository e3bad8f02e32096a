#!/usr/bin/env python3
"""Mutation check of the critical paths: tests/mutation/mutations.txt lists one-line bugs; each is
applied alone to a copy of the tree, the unit test target covering it is rebuilt (ccache keeps that
to one object and a link) and run. A mutation the tests do not notice is a survivor: then this
script prints the table and exits 1. The checkout itself is never modified.

  tests/mutation/run.py [NAME...]     only these mutations (default: all)
  MUTATION_DIR   where the copy and its build live (default <repo>/build-mutation)
  MUTATION_USER  the unprivileged user for `as-user` tests when run as root (default nobody)
"""
import os
import pathlib
import pwd
import re
import shutil
import subprocess
import sys
import time

TOP = pathlib.Path(__file__).resolve().parents[2]
LIST = TOP / "tests" / "mutation" / "mutations.txt"
SKIP_DIRS = {".git", ".cache"}


class Mutation:
    def __init__(self, name):
        self.name, self.source, self.test, self.as_user = name, None, None, False
        self.pending, self.old, self.new = None, None, None


def parse(path):
    mutations, current = [], None
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word == "mutation":
            current = Mutation(rest.strip())
            mutations.append(current)
        elif current is None:
            sys.exit(f"{path}:{number}: '{word}' before the first 'mutation'")
        elif word == "in":
            current.source = rest.strip()
        elif word == "test":
            parts = rest.split()
            current.test, current.as_user = parts[0], "as-user" in parts[1:]
        elif word == "pending":
            current.pending = rest.strip()
        elif word == "-":
            current.old = rest.strip()
        elif word == "+" or line == "+":
            current.new = rest.strip()
        else:
            sys.exit(f"{path}:{number}: unknown line '{line}'")
    for m in mutations:
        if None in (m.source, m.test, m.old, m.new):
            sys.exit(f"{path}: mutation {m.name} needs 'in', 'test', '-' and '+'")
    return mutations


def is_build_dir(name):
    return name.startswith("build") or name in SKIP_DIRS


def find(root, name, under):
    """The one file called `name` below root/under (build directories left out)."""
    found = []
    for directory, dirs, files in os.walk(root / under):
        dirs[:] = [d for d in dirs if not is_build_dir(d)]
        if name in files:
            found.append(pathlib.Path(directory) / name)
    if len(found) != 1:
        sys.exit(f"mutation: {name} is found {len(found)} times under {under}/: {found}")
    return found[0]


def copy_tree(tree):
    """The checkout as it is (edits included), without build directories; tree/build is kept."""
    tree.mkdir(parents=True, exist_ok=True)
    for entry in tree.iterdir():
        if entry.name != "build":
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    for entry in TOP.iterdir():
        if is_build_dir(entry.name):
            continue
        target = tree / entry.name
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, target, symlinks=True,
                            ignore=lambda d, names: [n for n in names if is_build_dir(n)])
        else:
            shutil.copy2(entry, target, follow_symlinks=False)


def run(command, log, user=None, timeout=600):
    env = dict(os.environ)
    if user is not None:
        env.update(HOME="/tmp", TMPDIR="/tmp")
        command = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}",
                   "--clear-groups", "--"] + command
    with open(log, "w") as out:
        try:
            return subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=env,
                                  timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            return 124


def main():
    chosen = set(sys.argv[1:])
    mutations = [m for m in parse(LIST) if not chosen or m.name in chosen]
    if chosen - {m.name for m in mutations}:
        sys.exit(f"mutation: no such mutation: {' '.join(sorted(chosen - {m.name for m in mutations}))}")
    work = pathlib.Path(os.environ.get("MUTATION_DIR", TOP / "build-mutation"))
    tree, logs = work / "tree", work / "logs"
    user = None
    if os.geteuid() == 0:
        user = pwd.getpwnam(os.environ.get("MUTATION_USER", "nobody"))
    started = time.monotonic()
    copy_tree(tree)
    logs.mkdir(parents=True, exist_ok=True)
    for m in mutations:
        m.path = find(tree, m.source, ".")
        test_file = find(tree, m.test, "tests/unit")
        m.target = f"{test_file.parent.name}_test"
        # Only the suites of the named test file run: seconds instead of the whole target's.
        suites = sorted(set(re.findall(r"^TEST(?:_F|_P)?\((\w+),", test_file.read_text(), re.M)))
        m.filter = ":".join(f"{suite}.*:*/{suite}.*" for suite in suites)
        lines = m.path.read_text().splitlines(keepends=True)
        hits = [i for i, line in enumerate(lines) if line.strip() == m.old]
        if len(hits) != 1:
            sys.exit(f"mutation {m.name}: the line occurs {len(hits)} times in {m.path}: {m.old}")
        m.line = hits[0]

    build = tree / "build"
    configure = ["cmake", "-S", str(tree), "-B", str(build), "-G", "Ninja",
                 "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG"]
    if shutil.which("ccache"):
        configure.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
        # Paths below the checkout hash the same in the copy, so the first build reuses objects.
        os.environ.setdefault("CCACHE_BASEDIR", str(TOP))
    targets = sorted({m.target for m in mutations})
    if run(configure, logs / "configure.log") != 0:
        sys.exit(f"mutation: cmake failed, see {logs / 'configure.log'}")
    if run(["ninja", "-C", str(build), "-j2"] + targets, logs / "build.log") != 0:
        sys.exit(f"mutation: the unmutated tree does not build, see {logs / 'build.log'}")
    if user is not None:  # the unprivileged user must reach the test binaries
        for path in [work, tree, build, build / "tests"]:
            path.chmod(path.stat().st_mode | 0o755)

    def test(m, log):
        return run([str(build / "tests" / m.target), "--gtest_brief=1",
                    f"--gtest_filter={m.filter}"], log, user if m.as_user else None)

    for m in {(m.target, m.filter, m.as_user): m for m in mutations}.values():
        log = logs / f"baseline-{m.name}.log"
        if test(m, log) != 0:
            sys.exit(f"mutation: {m.target} fails without any mutation, see {log}")
    print(f"mutation: baseline built and passing in {time.monotonic() - started:.0f} s", flush=True)

    rows, survivors = [], []
    for m in mutations:
        begin = time.monotonic()
        original = m.path.read_text()
        lines = original.splitlines(keepends=True)
        indent = lines[m.line][: len(lines[m.line]) - len(lines[m.line].lstrip())]
        lines[m.line] = indent + m.new + "\n" if m.new else ""
        m.path.write_text("".join(lines))
        log = logs / f"{m.name}.log"
        try:
            if run(["ninja", "-C", str(build), "-j2", m.target], logs / f"{m.name}.build.log") != 0:
                result = "DOES NOT BUILD (fix the list)"
                survivors.append(m.name)
            elif test(m, log) != 0:
                result = "killed"
            elif m.pending:
                result = f"survived, pending: {m.pending}"
            else:
                result = "SURVIVED"
                survivors.append(m.name)
        finally:
            m.path.write_text(original)
        rows.append((m.name, m.path.relative_to(tree), m.target, result,
                     time.monotonic() - begin))
        print(f"  {m.name}: {result}", flush=True)
    # Leave the copy's build matching its sources, so the next run starts warm.
    run(["ninja", "-C", str(build), "-j2"] + targets, logs / "rebuild.log")

    width = max(len(r[0]) for r in rows)
    print(f"\n{'mutation':<{width}}  {'target':<15} {'s':>4}  result (file)")
    for name, path, target, result, seconds in rows:
        print(f"{name:<{width}}  {target:<15} {seconds:4.0f}  {result} ({path})")
    print(f"mutation: {len(rows)} mutations, {len(survivors)} survivors, "
          f"{time.monotonic() - started:.0f} s in all")
    if survivors:
        print(f"mutation: survivors: {' '.join(survivors)} (logs in {logs})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
