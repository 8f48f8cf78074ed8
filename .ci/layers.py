#!/usr/bin/env python3
"""Checks that vellum's modules import only from layers below their own.

The layering is the one drawn in src/lib.rs (its "## Layers" diagram): each
line names a top-level module, higher layers first. A file of module M may
import module N (`crate::N`, `super::...` reaching N, or `use crate::{N, ..}`)
only when N is M itself or a layer below M. Modules not in the diagram are
an error, so a new module has to be placed. Exit 1 on any violation, with
file:line and the offending import.

usage: .ci/layers.py [crate-root]   (default: the repository root)
"""

import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent.parent)
src = root / "src"
lib = (src / "lib.rs").read_text()

# The diagram: lines of `//! <indent><module>  <description>` inside the
# fenced block after "## Layers".
block = lib.split("## Layers", 1)[1].split("```text", 1)[1].split("```", 1)[0]
layers = []  # highest first
beside = set()  # modules that stand beside the stages (see "(beside" in the diagram)
for line in block.splitlines():
    m = re.match(r"//!\s+([a-z_]+)\s{2,}(.*)", line)
    if m:
        if m.group(2).startswith("(beside"):
            beside.add(m.group(1))
        else:
            layers.append(m.group(1))
rank = {name: len(layers) - i for i, name in enumerate(layers)}  # higher = higher layer

declared = set(re.findall(r"(?m)^(?:pub )?mod ([a-z_]+);", lib))
problems = []
for name in sorted(declared - set(rank) - beside):
    problems.append(f"src/lib.rs: module `{name}` is not in the layer diagram")


def module_of(path: pathlib.Path) -> str:
    rel = path.relative_to(src).parts
    return rel[0].removesuffix(".rs")


def super_target(path: pathlib.Path, depth: int) -> str | None:
    """The top-level module that `super::` repeated `depth` times names."""
    rel = list(path.relative_to(src).parts)
    # The module path of this file: a/b.rs -> [a, b]; a/mod.rs -> [a].
    mods = rel[:-1] + ([] if rel[-1] == "mod.rs" else [rel[-1].removesuffix(".rs")])
    # Inline `mod tests` adds a level; the check reads only non-test code.
    up = mods[: len(mods) - depth]
    return up[0] if up else None


def strip_tests(text: str) -> str:
    """Drops `#[cfg(test)] mod ... { ... }` blocks (tests may reach anywhere)."""
    out, i = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text):
        if m.start() < i:
            continue
        out.append(text[i : m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        out.append("\n" * text[m.start() : j].count("\n"))
        i = j
    out.append(text[i:])
    return "".join(out)


for path in sorted(src.rglob("*.rs")):
    if path == src / "lib.rs":
        continue
    me = module_of(path)
    if me not in rank and me not in beside:
        continue
    text = strip_tests(path.read_text())
    for no, line in enumerate(text.splitlines(), 1):
        code = line.split("//", 1)[0]
        targets = set(re.findall(r"\bcrate::([a-z_]+)", code))
        for group in re.findall(r"\bcrate::\{([^}]*)", code):
            targets |= set(re.findall(r"(?:^|,)\s*([a-z_]+)", group))
        for sup in re.finditer(r"\b((?:super::)+)([a-z_]+)?", code):
            depth = sup.group(1).count("super::")
            t = super_target(path, depth)
            if t is None and sup.group(2):
                t = sup.group(2)
            if t:
                targets.add(t)
        for t in targets:
            if t == me or t not in rank and t not in beside:
                continue
            if me in beside:
                continue  # beside the stages: may use any of them
            if t in beside or rank[t] > rank[me]:
                problems.append(
                    f"{path.relative_to(root)}:{no}: `{me}` imports `{t}`, a higher layer: {line.strip()}"
                )

if problems:
    print("layering check failed (see the diagram in src/lib.rs):")
    for p in problems:
        print("  " + p)
    sys.exit(1)
print(f"layering check: {len(layers)} layers, every import goes down")
