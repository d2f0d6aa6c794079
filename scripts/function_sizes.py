#!/usr/bin/env python3
"""Lists functions longer than a limit (default 80 lines, body braces included) in C++ files.

A brace-matching scan, not a parser: a '{' opens a function body when the text before it (since
the last ';', '{' or '}') ends in a parameter list, optionally followed by qualifiers or a
constructor's initialiser list, and is not a control statement, class, namespace, enum or
initialiser. Lambdas count toward the function that holds them. Used by scripts/check-structure.sh.
Usage: function_sizes.py [--limit N] FILE...
"""
import re
import sys

CONTROL = re.compile(r'^\s*(if|for|while|switch|catch|else|do|try|return)\b')
TYPE = re.compile(r'\b(class|struct|union|namespace|enum)\b[^()]*$')


def strip(text):
    """Blanks out comments, string and char literals, keeping newlines."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i)); i = j
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j])); i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(')' + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j])); i = j
        elif c == "'" and 0 < i < n - 1 and text[i - 1].isalnum() and text[i + 1].isalnum():
            out.append(' '); i += 1  # a digit separator (1'000), not a character literal
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            out.append(c + ' ' * (j - i - 1) + c); i = j + 1
        else:
            out.append(c); i += 1
    return ''.join(out)


def functions(path):
    text = strip(open(path, encoding='utf-8', errors='replace').read())
    stack = []  # (is_function, start_line, name)
    head_start = 0
    line = 1
    for i, c in enumerate(text):
        if c == '\n':
            line += 1
        elif c == '{':
            head = text[head_start:i]
            inside_function = any(f for f, _, _ in stack)
            is_fn = False
            name = ''
            if not inside_function:
                flat = ' '.join(head.split())
                m = re.search(r'([~\w:<>=!+\-*/\[\]]+)\s*\([^;{}]*\)\s*[\w\s&:<>,()\->\[\]*{}=.]*$', flat)
                if m and not CONTROL.match(flat) and not TYPE.search(flat.split('(')[0]) \
                        and not flat.endswith('=') and ')' in flat:
                    is_fn, name = True, m.group(1)
            stack.append((is_fn, line, name))
            head_start = i + 1
        elif c == '}':
            if stack:
                is_fn, start, name = stack.pop()
                if is_fn:
                    yield name, start, line
            head_start = i + 1
        elif c == ';':
            head_start = i + 1


def main(argv):
    limit = 80
    if len(argv) > 1 and argv[0] == '--limit':
        limit, argv = int(argv[1]), argv[2:]
    over = 0
    for path in argv:
        for name, start, end in functions(path):
            length = end - start + 1
            if length > limit:
                over += 1
                print(f'{path}:{start}: {name} is {length} lines')
    return 1 if over else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
