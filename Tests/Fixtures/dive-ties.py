# Writes an image whose inefficient files have many equal sizes (Tests/Fixtures/dive-ties.*):
#   python3 dive-ties.py SEED COUNT OUT.tar   (the fixture: SEED 2, COUNT 274)
import tarfile, io, json, hashlib, random, sys
seed, count = int(sys.argv[1]), int(sys.argv[2])
random.seed(seed)
names = ['f%04d' % i for i in range(count)]
random.shuffle(names)
choices = [random.randrange(1, 2000) for _ in range(random.randrange(2, 9))]
sizes = {n: random.choice(choices) for n in names}
def layer(tag, subset):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode='w', format=tarfile.GNU_FORMAT) as t:
        d = tarfile.TarInfo('data'); d.type = tarfile.DIRTYPE; d.mode = 0o755; d.mtime = 1700000000; t.addfile(d)
        for n in subset:
            data = (tag * sizes[n])[:sizes[n]].encode()
            ti = tarfile.TarInfo('data/' + n); ti.size = len(data); ti.mtime = 1700000000; ti.mode = 0o644
            t.addfile(ti, io.BytesIO(data))
    return bio.getvalue()
layers = [layer('a', names), layer('b', [n for n in names if random.random() < 0.8]), layer('c', [n for n in names if random.random() < 0.3])]
cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {}, "rootfs": {"type": "layers", "diff_ids": ['sha256:' + hashlib.sha256(l).hexdigest() for l in layers]},
                  "history": [{"created_by": "step %d" % i} for i in range(len(layers))]}).encode()
cname = hashlib.sha256(cfg).hexdigest() + '.json'
man = json.dumps([{"Config": cname, "RepoTags": ["ties:latest"], "Layers": ["l%d/layer.tar" % i for i in range(len(layers))]}]).encode()
with tarfile.open(sys.argv[3], 'w') as t:
    for n, b in [('l%d/layer.tar' % i, l) for i, l in enumerate(layers)] + [(cname, cfg), ('manifest.json', man)]:
        ti = tarfile.TarInfo(n); ti.size = len(b); ti.mtime = 1700000000; t.addfile(ti, io.BytesIO(b))
