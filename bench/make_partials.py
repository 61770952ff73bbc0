#!/usr/bin/env python3
"""bench/make_partials.py OUT_DIR SRC... (input of bench/symbolic_compare.sh): every trace of SRC (files/dirs, .json/.jsonl) made partial four ways
(as tests/integration/agreement.cpp make_partial): k0 no keys; k1 no keys + every 3rd sec not logged;
k2 keys kept, every 2nd sec not logged; k3 initiator's log without keys. One .json per trace."""
import copy, json, os, sys
out, srcs = sys.argv[1], sys.argv[2:]
os.makedirs(out, exist_ok=True)
files = []
for s in srcs:
    if os.path.isdir(s):
        for root, _, names in os.walk(s):
            files += [os.path.join(root, n) for n in sorted(names) if n.endswith(('.json', '.jsonl'))]
    else:
        files.append(s)
def partial(t, kind):
    t = copy.deepcopy(t)
    if kind != 2:
        t.pop('keys', None)
        if isinstance(t.get('link'), dict):
            t['link'].pop('k_nrp_sess', None)
    every = {1: 3, 2: 2}.get(kind, 0)
    if every:
        for i in range(0, len(t['events']), every):
            t['events'][i].pop('sec', None)
    if kind == 3:
        t['observer'] = 'initiator'
    return t
n = 0
for f in sorted(files):
    try:
        docs = [json.loads(l) for l in open(f) if l.strip()] if f.endswith('.jsonl') else [json.load(open(f))]
    except Exception:
        continue
    for i, t in enumerate(docs):
        if not isinstance(t, dict) or not isinstance(t.get('events'), list) or not t['events']:
            continue
        base = os.path.relpath(f).replace('/', '_').rsplit('.', 1)[0] + (f'-{i}' if f.endswith('.jsonl') else '')
        for kind in range(4):
            with open(os.path.join(out, f'{base}-k{kind}.json'), 'w') as o:
                json.dump(partial(t, kind), o)
            n += 1
print(n, 'traces ->', out)
