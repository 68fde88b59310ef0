import Foundation
import Testing

/// `fathom init` and the path rules through the real binary: the starter file is written once, read
/// back by `--ci`, and a failing path rule exits 1 naming its paths; a bad pattern exits 2.
@Suite struct InitCLITests {
    static let wasteful = CLI.repositoryRoot.appendingPathComponent("SampleImages/wasteful.docker.tar").path
    static let good = CLI.repositoryRoot.appendingPathComponent("SampleImages/good.docker.tar.zst").path

    @Test func initWritesAStarterThatGatesBothSamples() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["init", "--flavour", "python"], cwd: dir)
        #expect(r.status == 0 && r.stdout == "wrote .dive-ci (python); run: fathom IMAGE --ci\n", "\(r.stderr)")
        let text = try String(contentsOf: dir.appendingPathComponent(".dive-ci"), encoding: .utf8)
        #expect(text.contains("    - \"/root/.cache/pip/**\"") && text.contains("fail-on-advice: high"))
        let again = try CLI.run(["init"], cwd: dir)
        #expect(again.status == 2 && again.stderr == "fathom: .dive-ci: exists; --force replaces it\n")
        #expect(try CLI.run(["init", "--force"], cwd: dir).status == 0)
        let pass = try CLI.run([Self.good, "--ci"], cwd: dir)
        #expect(pass.status == 0 && pass.stdout.contains("  Using CI config: .dive-ci\n"), "\(pass.stdout)\(pass.stderr)")
        let fail = try CLI.run([Self.wasteful, "--ci"], cwd: dir)
        #expect(fail.status == 1)
        #expect(fail.stdout.contains("  FAIL: path-rules.block '**/.git/**': 10 paths in the final image: /app/.git/HEAD,"))
        #expect(fail.stdout.contains("  FAIL: path-rules.block '**/.env': 1 path in the final image: /app/.env; written by layer 4: "))
        let bad = try CLI.run(["init", "--flavour", "cobol"], cwd: dir)
        #expect(bad.status == 2 && bad.stderr.hasPrefix("fathom: --flavour: 'cobol' is not one of generic, node, python, go, java"))
        let out = try CLI.run(["init", "--flavour", "go", "-o", "-"], cwd: dir)
        #expect(out.status == 0 && out.stdout.hasPrefix("# .dive-ci for a go image"))
    }

    @Test func aMalformedPatternIsAConfigurationError() throws {
        let dir = try CLI.temporaryDirectory()
        try Data("path-rules:\n  deny-waste: [\"/var/**cache\"]\n".utf8).write(to: dir.appendingPathComponent("ci.yaml"))
        let r = try CLI.run([Self.wasteful, "--ci", "--ci-config", "ci.yaml"], cwd: dir)
        #expect(r.status == 2 && r.stdout.isEmpty)
        #expect(r.stderr == "fathom: ci.yaml: path-rules.deny-waste: invalid pattern '/var/**cache': '**' must be a whole path segment (as in **/x or a/**)\n")
    }
}

/// `--sbom`: a CycloneDX 1.5 document that the official schema (cyclonedx-python-lib's strict
/// validator) accepts, with every package of the image and its layer.
@Suite struct SBOMCLITests {
    @Test func sbomOfTheDebianFixtureValidates() throws {
        let dir = try CLI.temporaryDirectory()
        let image = CLI.fixtures.appendingPathComponent("real/debian-apt.oci-zstd.tar").path
        let sbom = dir.appendingPathComponent("sbom.json")
        let r = try CLI.run([image, "--sbom", sbom.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Packages (dpkg, debian): 88 in the final image"))
        #expect(r.stdout.contains("  layer 4: 1 upgraded: tzdata 2026b-0+deb12u1 → 2026f-0+deb12u1"))
        let check = try CLI.run(executable: "/usr/bin/env", ["python3", "-c", """
            import sys, json
            from cyclonedx.validation.json import JsonStrictValidator
            from cyclonedx.schema import SchemaVersion
            text = open(sys.argv[1]).read()
            error = JsonStrictValidator(SchemaVersion.V1_5).validate_str(text)
            print("invalid: %s" % error if error else "valid")
            bom = json.loads(text)
            print(len(bom["components"]))
            adduser = [c for c in bom["components"] if c["name"] == "adduser"][0]
            print(adduser["purl"])
            print({p["name"]: p["value"] for p in adduser["properties"]}["fathom:layer"])
            """, sbom.path])
        #expect(check.stdout == "valid\n88\npkg:deb/debian/adduser@3.134?arch=all\n0\n", "\(check.stdout)\(check.stderr)")
        // the same packages in the JSON report, which validates against docs/report.schema.json
        let json = dir.appendingPathComponent("report.json")
        #expect(try CLI.run([image, "--json", json.path]).status == 0)
        let report = try CLI.run(executable: "/usr/bin/env", ["python3", "-c", """
            import sys, json, jsonschema
            r = json.load(open(sys.argv[1]))
            jsonschema.validate(r, json.load(open(sys.argv[2])))
            p = r["fathom"]["packages"]
            up = p["layers"][-1]["upgraded"][0]
            print(len(p["final"]), p["distro"], up["name"], up["previousVersion"], "->", up["version"])
            print(sum(x["bytes"] for x in p["final"]) + sum(u["bytes"] for u in p["unowned"]) == r["fathom"]["summary"]["finalBytes"])
            """, json.path, CLI.repositoryRoot.appendingPathComponent("docs/report.schema.json").path])
        #expect(report.stdout == "88 debian tzdata 2026b-0+deb12u1 -> 2026f-0+deb12u1\nTrue\n", "\(report.stdout)\(report.stderr)")
        let piped = try CLI.run([image, "--sbom", "-"])
        #expect(piped.status == 0 && piped.stdout.hasPrefix("{\n  \"bomFormat\": \"CycloneDX\""))
        #expect(try CLI.run([image, "--sbom", "-", "--json", "-"]).status == 2)
    }
}
