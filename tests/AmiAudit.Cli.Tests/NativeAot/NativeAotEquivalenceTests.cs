namespace AmiAudit.Cli.Tests.NativeAot;

/// <summary>
/// The NativeAOT binary is what ships (and what the benchmarks time); the rest of the suite runs the
/// CLI in-process under the JIT. Trimming and ahead-of-time compilation can change behaviour silently
/// (a trimmed-away verb, a reflection-only serializer, a template engine that needs run-time code), so
/// every verb and format is run both ways here and must agree byte for byte: exit code, stdout, stderr.
/// </summary>
[Trait("Category", "RealParts")]
public class NativeAotEquivalenceTests(NativeAotBinaryFixture fixture) : IClassFixture<NativeAotBinaryFixture>
{
    private static string Repo(params string[] parts) => Path.Combine([CliHarness.RepoRoot, .. parts]);

    public static TheoryData<string[]> CommandLines()
    {
        var dlami = Repo("examples", "dlami-root");
        var zoneA = Repo("examples", "incident", "zone-a");
        var zoneB = Repo("examples", "incident", "zone-b");
        var data = new TheoryData<string[]>();
        foreach (var format in new[] { "console", "json", "junit", "sarif", "markdown" })
            data.Add(["scan", "--root", dlami, "--fail-on", "high", "--format", format]);
        foreach (var format in new[] { "console", "json", "markdown", "html" })
            data.Add(["diff", zoneA, zoneB, "--format", format]);
        data.Add(["scan", "--snapshot", Repo("reports", "dlami-root.snapshot.json"), "--format", "json"]);
        // Users' Scriban templates: object.keys, nested loops, helpers, encoding; and template errors (exit 3).
        var templates = Repo("tests", "AmiAudit.Cli.Tests", "Fixtures", "templates");
        data.Add(["scan", "--root", dlami, "--fail-on", "high", "--format", "markdown", "--template", Path.Combine(templates, "scan-summary.md.scriban")]);
        data.Add(["diff", zoneA, zoneB, "--format", "html", "--template", Path.Combine(templates, "diff-rows.html.scriban")]);
        data.Add(["diff", zoneA, zoneB, "--format", "markdown", "--template", Path.Combine(templates, "scan-summary.md.scriban")]);
        data.Add(["scan", "--root", dlami, "--format", "markdown", "--template", Path.Combine(templates, "broken.md.scriban")]);
        data.Add(["policy", "test", Repo("policies")]);
        data.Add(["policy", "validate", Repo("policies")]);
        data.Add(["policy", "schema"]);
        data.Add(["--help"]);
        data.Add(["--version"]);
        foreach (var verb in new[] { "scan", "collect", "diff", "probe", "policy" }) data.Add([verb, "--help"]);
        data.Add(["scan", "--root", "/nonexistent/amiaudit-root"]);
        data.Add(["scan", "--frobnicate"]);
        return data;
    }

    [Theory]
    [MemberData(nameof(CommandLines))]
    public void Binary_and_in_process_cli_agree(string[] args) => AssertSame(args);

    [Fact]
    public void User_policies_with_every_kind_of_error_are_reported_identically()
    {
        // Built-in policies skip the JSON-schema pass (their digests are pre-verified), so this is the
        // run that exercises YAML marks + NJsonSchema validation inside the trimmed binary.
        var dir = Directory.CreateTempSubdirectory("amiaudit-aot-badpol-").FullName;
        File.WriteAllText(Path.Combine(dir, "a.yaml"), """
            apiVersion: amiaudit/v1
            kind: Policy
            metadata: { name: a, colour: blue }
            rules:
              - id: BAD-1
                title: unknown operator and a bad regex
                severity: severe
                for: systemd.units
                expect: { name: { resembles: x }, unitFileState: { matches: "([" } }
              - id: BAD-1
                title: duplicate id, unknown field
                severity: high
                for: systemd.unitz
                expect: { nam: { equals: x } }
            """);
        File.WriteAllText(Path.Combine(dir, "b.yaml"), "apiVersion: amiaudit/v1\nkind: Policy\nrules: [ {\n");
        var jit = AssertSame("policy", "validate", dir);
        jit.ExitCode.ShouldBe(3);
        jit.Error.ShouldContain("a.yaml:");
        jit.Error.ShouldContain("b.yaml:");
    }

    [Fact]
    public void A_policy_nested_200000_levels_deep_is_invalid_input_not_a_crash()
    {
        // Before the depth guard this was a segmentation fault (exit 139) in the binary.
        var f = Path.Combine(Directory.CreateTempSubdirectory("amiaudit-aot-deep-").FullName, "deep.yaml");
        File.WriteAllText(f, "apiVersion: amiaudit/v1\nkind: Policy\nmetadata: { name: deep }\nrules: " + new string('[', 200_000) + new string(']', 200_000) + "\n");
        var jit = AssertSame("policy", "validate", f);
        jit.ExitCode.ShouldBe(3);
        jit.Error.ShouldContain("yaml-too-large");
    }

    [Fact]
    public void A_snapshot_with_only_its_schema_key_is_judged_by_the_binary()
    {
        // Reading goes through generated factories so absent keys keep the model's defaults.
        var f = Path.Combine(Directory.CreateTempSubdirectory("amiaudit-aot-snap-").FullName, "s.json");
        File.WriteAllText(f, "{\"schema\":\"amiaudit.snapshot/v1\",\"systemd\":{\"units\":[{\"name\":\"ecs.service\"}]}}");
        AssertSame("scan", "--snapshot", f, "--fail-on", "none", "--format", "json").ExitCode.ShouldBe(0);
    }

    [Fact]
    public void Collect_writes_the_same_snapshot_bytes()
    {
        var dir = Directory.CreateTempSubdirectory("amiaudit-aot-collect-").FullName;
        var (jitOut, aotOut) = (Path.Combine(dir, "jit.json"), Path.Combine(dir, "aot.json"));
        var jit = CliHarness.Run("collect", "--root", Repo("examples", "dlami-root"), "--out", jitOut);
        var aot = fixture.Binary.Invoke("collect", "--root", Repo("examples", "dlami-root"), "--out", aotOut);
        (aot.ExitCode, aot.Error).ShouldBe((jit.ExitCode, jit.Error.Replace(jitOut, aotOut, StringComparison.Ordinal)));
        File.ReadAllText(aotOut).ShouldBe(File.ReadAllText(jitOut));
    }

    [Fact]
    public void Probes_on_a_fixture_host_agree_in_every_format()
    {
        var root = Directory.CreateTempSubdirectory("amiaudit-aot-probe-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "proc"));
        File.WriteAllText(Path.Combine(root, "proc", "cgroups"), "#subsys_name\thierarchy\tnum_cgroups\tenabled\nmemory\t0\t212\t1\n");
        Directory.CreateDirectory(Path.Combine(root, "sys", "fs", "cgroup"));
        File.WriteAllText(Path.Combine(root, "sys", "fs", "cgroup", "cgroup.stat"), "nr_descendants 238\nnr_dying_descendants 68442\n");
        var fixtures = Repo("tests", "AmiAudit.Collectors.Tests", "Fixtures", "probes");
        File.Copy(Path.Combine(fixtures, "cpu", "stat-t0.txt"), Path.Combine(root, "proc", "stat"));
        var kernelLog = Path.Combine(fixtures, "ena", "corpus-7.2.txt");
        foreach (var format in new[] { "console", "json", "prometheus" })
            AssertSame("probe", "--window", "0s", "--host-root", root, "--kernel-log", kernelLog, "--format", format);
        AssertSame("probe", "memcg", "--format", "npd", "--host-root", root).ExitCode.ShouldBe(1);
    }

    private CliHarness.Outcome AssertSame(params string[] args)
    {
        var jit = CliHarness.Run(args);
        var aot = fixture.Binary.Invoke(args);
        var line = string.Join(' ', args);
        aot.Error.ShouldBe(jit.Error, $"stderr of: amiaudit {line}");
        aot.Out.ShouldBe(jit.Out, $"stdout of: amiaudit {line}");
        aot.ExitCode.ShouldBe(jit.ExitCode, $"exit code of: amiaudit {line}");
        return jit;
    }
}

/// <summary>Publishes (or finds) the binary once for the class.</summary>
public sealed class NativeAotBinaryFixture
{
    public NativeAotBinary Binary { get; } = new();
}
