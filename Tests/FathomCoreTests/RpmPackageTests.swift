import FathomTestSupport
import Foundation
import Testing
@testable import FathomCore

/// RPM's SQLite database, made by the real rpm (Debian's `rpm` package: rpmbuild builds two packages,
/// `rpm --root` installs them and then upgrades one), checked against what `rpm -q` reports.
@Suite struct RpmPackageTests {
    /// Builds the image: layer 0 /etc/os-release (ID=fedora), layer 1 the root after installing
    /// fathom-hello 2:1.2.3-4.fc40 and fathom-tools 0.1-1, layer 2 the root after upgrading fathom-hello
    /// to 2:1.3.0-1.fc40. Prints `rpm -qa` (name, version, arch) and each package's bytes (`rpm -ql`).
    static let script = #"""
        set -e
        work=$1; image=$2
        mkdir -p "$work/SPECS" "$work/root/etc" "$work/l0/etc"
        spec() {  # spec NAME VERSION RELEASE EPOCH BYTES
          cat > "$work/SPECS/$1-$2.spec" <<EOF
        Name: $1
        Version: $2
        Release: $3
        ${4:+Epoch: $4}
        Summary: fathom test package
        License: MIT
        BuildArch: x86_64
        %description
        test
        %install
        mkdir -p %{buildroot}/usr/share/$1 %{buildroot}/usr/bin
        head -c $5 /dev/zero | tr '\0' 'x' > %{buildroot}/usr/share/$1/data.txt
        printf '#!/bin/sh\necho $1 $2\n' > %{buildroot}/usr/bin/$1
        chmod 755 %{buildroot}/usr/bin/$1
        %files
        /usr/bin/$1
        /usr/share/$1
        EOF
          rpmbuild -bb --quiet --define "_topdir $work" --define "__os_install_post %{nil}" --define "debug_package %{nil}" \
            "$work/SPECS/$1-$2.spec" >/dev/null 2>&1
        }
        spec fathom-hello 1.2.3 4.fc40 2 70000
        spec fathom-tools 0.1 1 "" 1234
        spec fathom-hello 1.3.0 1.fc40 2 90000
        rpm() { command rpm --root "$work/root" --dbpath /var/lib/rpm "$@" 2>/dev/null; }
        rpm --initdb
        rpm -i --nodeps --ignoreos "$work"/RPMS/x86_64/fathom-hello-1.2.3-4.fc40.x86_64.rpm "$work"/RPMS/x86_64/fathom-tools-0.1-1.x86_64.rpm
        echo "ID=fedora" > "$work/l0/etc/os-release"
        tar -C "$work/l0" -cf "$work/layer0.tar" etc
        tar -C "$work/root" -cf "$work/layer1.tar" --exclude='*-shm' --exclude='*-wal' --exclude=.rpm.lock usr var
        rpm -U --nodeps --ignoreos "$work"/RPMS/x86_64/fathom-hello-1.3.0-1.fc40.x86_64.rpm
        tar -C "$work/root" -cf "$work/layer2.tar" --exclude='*-shm' --exclude='*-wal' --exclude=.rpm.lock usr var
        rpm -qa --qf '%{NAME} %{EPOCH}:%{VERSION}-%{RELEASE} %{ARCH}\n' | sed 's/ (none):/ /' | sort
        for p in $(rpm -qa --qf '%{NAME}\n'); do
          echo "bytes $p $(rpm -ql "$p" | while read f; do [ -f "$work/root$f" ] && stat -c %s "$work/root$f"; done | paste -sd+ | bc)"
        done
        python3 - "$work" "$image" <<'PY'
        import hashlib, io, json, sys, tarfile
        work, image = sys.argv[1], sys.argv[2]
        diffs = ["sha256:" + hashlib.sha256(open(f"{work}/layer{i}.tar", "rb").read()).hexdigest() for i in range(3)]
        cmds = ["ADD os-release", "RUN rpm -i fathom-hello fathom-tools", "RUN rpm -U fathom-hello"]
        cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diffs},
                          "history": [{"created_by": c} for c in cmds]}).encode()
        with tarfile.open(image, "w") as t:
            for i in range(3):
                t.add(f"{work}/layer{i}.tar", arcname=f"l{i}/layer.tar")
            for n, b in [("config.json", cfg), ("manifest.json", json.dumps([{"Config": "config.json", "RepoTags": ["rpm:1"],
                          "Layers": [f"l{i}/layer.tar" for i in range(3)]}]).encode())]:
                ti = tarfile.TarInfo(n); ti.size = len(b); t.addfile(ti, io.BytesIO(b))
        PY
        """#

    @Test func rpmdbSqliteAgreesWithRpmQuery() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-rpm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let image = work.appendingPathComponent("rpm.tar")
        let out = try SyntheticImage.run("/bin/bash", ["-c", Self.script, "rpm-test", work.path, image.path])
        // "fathom-hello 2:1.3.0-1.fc40 x86_64", "fathom-tools 0.1-1 x86_64", "bytes fathom-hello 90019" …
        var expected: [String: (version: String, arch: String)] = [:], bytes: [String: Int64] = [:]
        for line in out.split(separator: "\n") {
            let w = line.split(separator: " ").map(String.init)
            if w.count == 3 && w[0] == "bytes" { bytes[w[1]] = Int64(w[2]) } else if w.count == 3 { expected[w[0]] = (w[1], w[2]) }
        }
        #expect(expected.count == 2 && bytes.count == 2, "\(out)")

        var analysis = try Analysis(image: ImageLoader.load(path: image.path))
        analysis.readPackages()
        let h = try #require(analysis.packages)
        #expect(h.databases == ["rpm"] && h.distro == "fedora")
        let found = Dictionary(uniqueKeysWithValues: h.final.map { ($0.package.name, $0) })
        for (name, want) in expected {
            let o = try #require(found[name], "\(name) in \(found.keys)")
            #expect(o.package.version == want.version && o.package.architecture == want.arch, "\(name): \(o.package.version)")
            #expect(o.bytes == bytes[name], "\(name): \(o.bytes) bytes, rpm -ql gives \(bytes[name] ?? -1)")
        }
        #expect(found["fathom-hello"]?.package.purl(distro: h.distro) == "pkg:rpm/fedora/fathom-hello@1.3.0-1.fc40?arch=x86_64&epoch=2")
        #expect(found["fathom-hello"]?.layer == 2 && found["fathom-tools"]?.layer == 1)
        // layer 1 installed both; layer 2 upgraded fathom-hello from the version layer 1 installed
        #expect(Set(h.layers.first { $0.layer == 1 }?.installed.map(\.package.name) ?? []) == ["fathom-hello", "fathom-tools"])
        let upgrade = try #require(h.layers.first { $0.layer == 2 }?.upgraded.first)
        #expect(upgrade.package.name == "fathom-hello" && upgrade.previousVersion == "2:1.2.3-4.fc40")
        #expect(upgrade.bytes == bytes["fathom-hello"])
    }

    /// Bytes that are not an rpm database, and a database in rpm's old Berkeley DB format: a warning each,
    /// no packages, no crash.
    @Test func unreadableAndLegacyDatabasesAreNamed() throws {
        #expect(throws: RpmDatabase.Failure.self) { try RpmDatabase.packages(Array("SQLite format 3\0 but not really".utf8)) }
        #expect(throws: RpmDatabase.Failure.self) { try RpmDatabase.packages([]) }
        // header blobs whose offsets and counts point past their data are skipped
        var blob: [UInt8] = [0, 0, 0, 1, 0, 0, 0, 4]   // one entry, 4 data bytes
        blob += [0, 0, 0x03, 0xE8, 0, 0, 0, 6, 0, 0, 0, 2, 0, 0, 0, 1] + Array("ab\0\0".utf8)   // NAME at offset 2: "\0"
        #expect(blob.withUnsafeBytes { RpmDatabase.package(header: $0) } == nil)
        blob[19] = 0   // NAME at offset 0: "ab"
        #expect(blob.withUnsafeBytes { RpmDatabase.package(header: $0) }?.name == "ab")
        blob[3] = 200  // 200 entries announced, one present
        #expect(blob.withUnsafeBytes { RpmDatabase.package(header: $0) } == nil)

        let layer = DockerArchiveBuilder.layer { t in
            t.add("var/lib/rpm/rpmdb.sqlite", data: Array(repeating: 0x41, count: 4096))
            t.add("usr/lib/sysimage/rpm/Packages", data: Array(repeating: 0, count: 512))
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-rpm-bad-\(UUID().uuidString).tar")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(DockerArchiveBuilder(layers: [layer]).build()).write(to: url)
        var analysis = try Analysis(image: ImageLoader.load(path: url.path))
        analysis.readPackages()
        let h = try #require(analysis.packages)
        #expect(h.final.isEmpty)
        #expect(h.warnings.contains { $0.hasPrefix("packages: /var/lib/rpm/rpmdb.sqlite after layer 0 could not be read: not an SQLite database") }, "\(h.warnings)")
        #expect(h.warnings.contains { $0.contains("/usr/lib/sysimage/rpm/Packages: an RPM database in the Berkeley DB or NDB format") }, "\(h.warnings)")
    }
}
