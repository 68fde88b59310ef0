# fathom's own image, built the way its advice says images should be built: a slim base, the runtime
# libraries in a layer of their own before fathom itself, no package lists or caches left behind, the
# .deb installed from a bind mount (never copied into a layer), a non-root user.
#
#   make deb                                   # dist/fathom_*.deb and dist/depends.txt
#   DOCKER_BUILDKIT=1 docker build --network host --build-arg BASE=IMAGE -t fathom .
#
# (BuildKit's built-in Dockerfile frontend has RUN --mount; no `# syntax=` line, which would pull one.)
#
# BASE is a Debian 12 image; no registry is needed when it is made locally with
# `debootstrap --variant=minbase bookworm` and `docker import` (Tests/e2e/packaging.sh does that).
ARG BASE=debian:bookworm-slim
FROM ${BASE}

# The runtime libraries (dist/depends.txt: the .deb's Depends), in a layer that changes only when they do;
# apt's lists, downloaded packages and logs go in the same step.
RUN --mount=type=bind,source=dist/depends.txt,target=/tmp/depends.txt \
    apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates $(cat /tmp/depends.txt) \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/debconf/*-old /var/log/apt /var/log/dpkg.log \
           /var/lib/dpkg/*-old \
 && useradd --system --uid 10001 --user-group --create-home --home-dir /home/fathom fathom

# fathom itself: the .deb unpacked (its dependencies are the layer above), so that this layer holds only
# fathom's files and not a second copy of dpkg's database; the man page and completions are of no use here.
RUN --mount=type=bind,source=dist,target=/dist \
    dpkg-deb --extract /dist/fathom_*.deb / \
 && rm -rf /usr/share/man/man1/fathom.1.gz /usr/share/bash-completion /usr/share/zsh /usr/share/fish

USER fathom
WORKDIR /home/fathom
ENTRYPOINT ["fathom"]
