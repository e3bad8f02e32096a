#!/usr/bin/env python3
# Usage: tests/lint/function_lengths.py 80 lib   (prints "lines file:line signature", longest first when sorted)
"""Lists function bodies longer than N lines (signature to closing brace) in C++ sources, by
counting braces: a head is a line that names a call-like signature and is not a control statement."""
import re, sys, pathlib
limit = int(sys.argv[1]); roots = sys.argv[2:]
notfunc = re.compile(r'^\s*(if|for|while|switch|else|do|catch|try|return|namespace|class|struct|enum|union|case|#|//|\}|\[|\.|<<|:)')
head = re.compile(r'^\s*[~\w:<>,\*&\s]*?[~\w:]+(<[^()]*>)?\s*\(')
strip = re.compile(r'"(\\.|[^"\\])*"|\'(\\.|[^\'\\])*\'|//.*|R"\((.|\n)*?\)"')
for root in roots:
    for p in sorted(pathlib.Path(root).rglob('*')):
        if p.suffix not in ('.cc', '.h', '.cpp'): continue
        lines = [strip.sub('""', l) for l in p.read_text(errors='replace').split('\n')]
        i = 0
        while i < len(lines):
            l = lines[i]
            if head.match(l) and not notfunc.match(l) and '=' not in l.split('(')[0]:
                j = i; depth = 0; started = False
                while j < len(lines) and j < i + 2000:
                    s = lines[j]
                    if not started and (';' in s and '{' not in s): break
                    for ch in s:
                        if ch == '{': depth += 1; started = True
                        elif ch == '}': depth -= 1
                    if started and depth <= 0: break
                    j += 1
                if started:
                    n = j - i + 1
                    if n > limit: print(f'{n:4d} {p}:{i+1} {l.strip()[:90]}')
                    i = j
            i += 1
