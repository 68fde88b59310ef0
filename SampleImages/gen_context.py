#!/usr/bin/env python3
"""Generate the build context of the fathom sample application ("fathom-demo").

One small fake project (a C "server", a fake toolchain tarball, fake .deb files,
a fake .git/ and a fake .env), used by both sample images: the wasteful
Dockerfile copies all of it with `COPY . /app`, the good one picks what it needs
and its .dockerignore keeps .git/, .env, tests/ and the rest out.

Everything comes from a fixed seed and fixed mtimes, so two runs produce
byte-identical contexts (the image layers still differ between builds, because
the engine stamps files created by RUN steps with the build time).

usage: gen_context.py DEST_DIR
"""
import gzip
import io
import os
import random
import sys
import tarfile

SEED = 20250101
MTIME = 1735689600  # 2025-01-01 00:00:00 UTC

WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima "
         "mike november oscar papa quebec romeo sierra tango uniform victor whiskey "
         "xray yankee zulu layer image union whiteout opaque tar gzip zstd manifest "
         "config digest blob chain diff waste efficiency").split()


def text_bytes(rng, size, tag):
    """Compressible but seed-dependent text of exactly `size` bytes."""
    out, n, k = [], 0, 0
    while n < size:
        line = "%s %05d %s\n" % (tag, k, " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))))
        out.append(line)
        n += len(line)
        k += 1
    return "".join(out).encode()[:size]


def noise_bytes(rng, size):
    return bytes(rng.getrandbits(8) for _ in range(size))


def write(dest, rel, data, mode=0o644):
    path = os.path.join(dest, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
    os.utime(path, (MTIME, MTIME))


FAKE_GCC = b"""#!/bin/sh
# fake-gcc 1.0 (fathom sample): "compiles" by concatenating its inputs with a piece of cc1.
# usage: gcc -c FILE.c -o FILE.o   |   gcc -o OUT FILE.o...
here=$(dirname "$(readlink -f "$0")")/..
out=a.out; compile=0; inputs=""
while [ $# -gt 0 ]; do
  case "$1" in
    -c) compile=1; shift ;;
    -o) out=$2; shift 2 ;;
    *) inputs="$inputs $1"; shift ;;
  esac
done
rm -f "$out"   # a new file (mode 0644 under umask 022), like a real linker before its chmod
if [ "$compile" = 1 ]; then
  { echo "FAKEOBJ$inputs"; cat $inputs; head -c 4096 "$here/libexec/gcc/cc1"; } > "$out"
else
  { echo "#!/bin/sh"; echo "echo 'fathom-demo server (fake build)'"; echo "exec sleep 3600"; echo "exit 0";
    cat $inputs; head -c 8192 "$here/lib/libfake.a"; } > "$out"
fi
"""

FAKE_MAKE = b"""#!/bin/sh
# fake-make 1.0 (fathom sample): a toolchain file that should never reach a runtime image.
echo "make: Nothing to be done for 'all'."
"""


def toolchain_tar_gz(rng):
    """third_party/fake-toolchain-1.0.tar.gz: bin/gcc, bin/cc (hardlink), bin/make,
    libexec/gcc/cc1, lib/libfake.a, include/*.h. Deterministic (mtime fixed, gzip mtime 0)."""
    files = [
        ("bin/gcc", FAKE_GCC, 0o755),
        ("bin/make", FAKE_MAKE, 0o755),
        ("libexec/gcc/cc1", text_bytes(rng, 40 * 1024, "cc1"), 0o755),
        ("lib/libfake.a", text_bytes(rng, 16 * 1024, "libfake"), 0o644),
    ] + [("include/fake%d.h" % i, text_bytes(rng, 2 * 1024, "hdr%d" % i), 0o644) for i in range(4)]
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as t:
        dirs = sorted({os.path.dirname(p) for p, _, _ in files} | {"libexec"})
        for d in dirs:
            ti = tarfile.TarInfo(d)
            ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, 0o755, MTIME
            t.addfile(ti)
        for p, data, mode in files:
            ti = tarfile.TarInfo(p)
            ti.size, ti.mode, ti.mtime = len(data), mode, MTIME
            t.addfile(ti, io.BytesIO(data))
            if p == "bin/gcc":  # cc is a hardlink to gcc, as in real toolchains
                hl = tarfile.TarInfo("bin/cc")
                hl.type, hl.linkname, hl.mode, hl.mtime = tarfile.LNKTYPE, "bin/gcc", 0o755, MTIME
                t.addfile(hl)
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as g:
        g.write(raw.getvalue())
    return out.getvalue()


def main(dest):
    rng = random.Random(SEED)
    w = lambda rel, data, mode=0o644: write(dest, rel, data, mode)

    # the application
    w("main.sh", b"#!/bin/sh\necho 'fathom-demo: starting'\nexec /app/bin/server\n", 0o755)
    w("config/app.ini", b"[app]\nname=fathom-demo\nlevel=debug\nport=8080\n")
    w("src/main.c", text_bytes(rng, 4 * 1024, "main.c"))
    w("src/net.c", text_bytes(rng, 3 * 1024, "net.c"))
    w("src/util.c", text_bytes(rng, 2 * 1024, "util.c"))
    w("Makefile", b"all:\n\tgcc -c src/main.c -o build/main.o\n\tgcc -o bin/server build/*.o\n")
    w("assets/model.bin", text_bytes(rng, 48 * 1024, "model"))
    w("assets/logo.png", noise_bytes(rng, 8 * 1024))
    for name in ("auth", "cache"):
        w("plugins/plugin-%s.so" % name, text_bytes(rng, 8 * 1024, "plugin-" + name))
    # a stale binary from a developer's machine, overwritten by the image's own build step
    w("bin/server", text_bytes(rng, 24 * 1024, "stale-server"), 0o755)
    w("docs/README.md", b"# fathom-demo\n\nA fake service used to build the fathom sample images.\n")
    w("docs/release notes v1.txt", b"Release notes v1\n- first release\n")
    w("docs/\u8aac\u660e\u66f8-\U0001F680.txt", "\u8aac\u660e\u66f8: \u30c6\u30b9\u30c8 \U0001F680\n".encode())
    # things that should not ship
    w("tests/fixtures/sample-data.bin", text_bytes(rng, 24 * 1024, "testdata"))
    w("tests/test_main.sh", b"#!/bin/sh\n/app/bin/server --self-test\n", 0o755)
    w("third_party/fake-toolchain-1.0.tar.gz", toolchain_tar_gz(rng))
    w("third_party/debs/libfake-dev_1.0-1_amd64.deb", noise_bytes(rng, 12 * 1024))
    w("third_party/debs/fakeutils_2.3-1_amd64.deb", noise_bytes(rng, 8 * 1024))
    w("build.tmp", b"scratch file left by an editor\n")
    # leaked build-context secrets (fake, harmless)
    w(".env", b"API_TOKEN=example-not-a-secret\nDATABASE_URL=postgres://example:example@localhost/example\n")
    w(".git/HEAD", b"ref: refs/heads/main\n")
    w(".git/config", b"[core]\n\trepositoryformatversion = 0\n\tbare = false\n")
    w(".git/description", b"fake repository for the fathom sample images\n")
    w(".git/refs/heads/main", b"0123456789abcdef0123456789abcdef01234567\n")
    w(".git/objects/pack/pack-0123456789abcdef.pack", text_bytes(rng, 24 * 1024, "pack"))
    w(".git/objects/pack/pack-0123456789abcdef.idx", noise_bytes(rng, 2 * 1024))

    # fixed directory mtimes too
    for root, dirs, _ in os.walk(dest, topdown=False):
        for d in dirs:
            p = os.path.join(root, d)
            os.chmod(p, 0o755)
            os.utime(p, (MTIME, MTIME))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    os.makedirs(sys.argv[1], exist_ok=True)
    main(sys.argv[1])
