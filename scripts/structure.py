"""Import graph of the marketplace package: module and package circles, lines per package, modules over 400 lines.

Usage: python scripts/structure.py [marketplace] [-g]  (-g also prints the package-to-package arrows)
"""
import ast, sys, pathlib, collections
root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "marketplace")
base = root.parent
mods = {}
for p in root.rglob("*.py"):
    if "migrations" in p.parts: continue
    rel = p.relative_to(base).with_suffix("")
    parts = list(rel.parts)
    is_pkg = parts[-1] == "__init__"
    if is_pkg: parts = parts[:-1]
    mods[".".join(parts)] = (p, is_pkg)
def resolve(name):
    while name and name not in mods:
        name = name.rpartition(".")[0]
    return name or None
edges = collections.defaultdict(set)
for m, (p, is_pkg) in mods.items():
    tree = ast.parse(p.read_text())
    pkg = m if is_pkg else m.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                t = resolve(a.name)
                if t and t != m: edges[m].add(t)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                b = pkg.split(".")
                b = b[: len(b) - node.level + 1]
                modname = ".".join(b + ([node.module] if node.module else []))
            else:
                modname = node.module or ""
            if not modname.startswith("marketplace"): continue
            for a in node.names:
                t = resolve(modname + "." + a.name) if a.name != "*" else resolve(modname)
                if t and t != m: edges[m].add(t)
def top(m):
    parts = m.split(".")
    return parts[1] if len(parts) > 1 else "(root)"
def scc(nodes, g):
    index, low, st, on, out, i = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)
    def strong(v):
        index[v] = low[v] = i[0]; i[0] += 1; st.append(v); on.add(v)
        for w in g.get(v, ()):
            if w not in index: strong(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            c = []
            while True:
                w = st.pop(); on.discard(w); c.append(w)
                if w == v: break
            if len(c) > 1: out.append(c)
    for v in nodes:
        if v not in index: strong(v)
    return out
print("module circles:")
for c in scc(list(mods), edges): print("  ", sorted(c))
pg = collections.defaultdict(set)
for a, bs in edges.items():
    for b in bs:
        # a package's own __init__ importing its children is not an arrow
        if top(a) != top(b): pg[top(a)].add(top(b))
print("package circles:")
for c in scc(sorted({top(m) for m in mods}), pg): print("  ", sorted(c))
lines = collections.Counter()
total = 0
for m, (p, _) in mods.items():
    n = len(p.read_text().splitlines()); lines[top(m)] += n; total += n
print("total lines", total)
for k, v in lines.most_common(12): print(f"  {k:16} {v:6} {100*v/total:5.1f}%")
print("modules over 400 lines:")
for m, (p, _) in sorted(mods.items()):
    n = len(p.read_text().splitlines())
    if n > 400: print("  ", m, n)
if "-g" in sys.argv:
    for a in sorted(pg): print(a, "->", sorted(pg[a]))
