#!/usr/bin/env python3
"""Drives a program through a pseudo-terminal, as a person at a terminal would.

Usage: pty_session.py [--expect TEXT | --send TEXT | --rows N] ... -- PROGRAM ARGS...

Steps run in order: --expect waits (up to 60 s) until TEXT appears in the output read so far
after the previous expectation's match; --send types TEXT (\\r and \\x04 understood). Then the
output is read until the program exits. The transcript goes to stdout; the exit status is the
program's, or 99 when an expectation timed out (the transcript says which).
"""
import os
import pty
import select
import sys
import time


def main():
    argv = sys.argv[1:]
    split = argv.index("--")
    steps, command = argv[:split], argv[split + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    transcript = b""
    seen = 0  # what earlier expectations consumed

    def read_some(timeout):
        nonlocal transcript
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        transcript += data
        return True

    for i in range(0, len(steps), 2):
        kind, text = steps[i], steps[i + 1].encode().decode("unicode_escape").encode()
        if kind == "--send":
            os.write(fd, text)
        elif kind == "--expect":
            deadline = time.time() + 60
            while transcript.find(text, seen) < 0:
                if time.time() > deadline or not read_some(0.2):
                    if transcript.find(text, seen) >= 0:
                        break
                    sys.stdout.write(transcript.decode(errors="replace"))
                    sys.stdout.write("\n[pty_session: timed out waiting for %r]\n" % text)
                    os.kill(pid, 9)
                    os.waitpid(pid, 0)
                    return 99
            seen = transcript.find(text, seen) + len(text)
    deadline = time.time() + 120
    while time.time() < deadline and read_some(0.5):
        pass
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(transcript.decode(errors="replace"))
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)


if __name__ == "__main__":
    sys.exit(main())
