using System.Text.Json;
using AmiAudit.Cli.Infrastructure;

namespace AmiAudit.Cli.Tests;

public class DiffCommandTests
{
    private static string ZoneA => Path.Combine(CliHarness.Example("incident"), "zone-a");
    private static string ZoneB => Path.Combine(CliHarness.Example("incident"), "zone-b");

    private static string TempCopy(string dir)
    {
        var copy = Directory.CreateTempSubdirectory("amiaudit-diff-").FullName;
        foreach (var f in Directory.GetFiles(dir)) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        return copy;
    }

    [Fact]
    public void Incident_prints_both_chains_and_exits_0()
    {
        var r = CliHarness.Run("diff", ZoneA, ZoneB);
        r.ExitCode.ShouldBe(ExitCodes.Passed, r.Error);
        r.Out.ShouldContain("zone-b: ecs.service never started");
        r.Out.ShouldContain("\u2190 bootstrap.service failed (exit 1, \"metric push failed\")");
        r.Out.ShouldContain("zone-a: ecs.service active 9 d");
        r.Out.ShouldContain("\u2192 12 ENA resets (eth0) [known mechanism]");
        // 80 columns, except a line holding one token that must not be split (the incident's kubelet URLs).
        r.Out.Split('\n').ShouldAllBe(l => l.Length <= 80 || !l.Trim().Contains(' '));
        r.Out.ShouldContain("        https://amazon-eks.s3.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet\n");
        r.Error.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("critical", ExitCodes.GateFailed)]
    [InlineData("high", ExitCodes.GateFailed)]
    public void Fail_on_divergence_is_a_gate(string severity, int expected) =>
        CliHarness.Run("diff", ZoneA, ZoneB, "--fail-on-divergence", severity).ExitCode.ShouldBe(expected);

    [Fact]
    public void Ignoring_everything_that_differs_passes_the_gate()
    {
        var r = CliHarness.Run("diff", ZoneA, ZoneB, "--fail-on-divergence", "info",
            "--ignore", "probe/**", "--ignore", "container/**", "--ignore", "unit/*/activeState", "--ignore", "bootstrap/url/*", "--ignore", "script/**");
        r.ExitCode.ShouldBe(ExitCodes.Passed, r.Out);
        r.Out.ShouldContain("are identical");
    }

    [Fact]
    public void Same_side_twice_is_identical_and_exit_0()
    {
        var r = CliHarness.Run("diff", ZoneA, ZoneA, "--fail-on-divergence", "info");
        r.ExitCode.ShouldBe(ExitCodes.Passed);
        r.Out.ShouldContain("are identical");
    }

    [Fact]
    public void Json_output_goes_to_the_file_with_the_stable_schema()
    {
        var dir = Directory.CreateTempSubdirectory("amiaudit-diffout-").FullName;
        var file = Path.Combine(dir, "diff.json");
        var r = CliHarness.Run("diff", ZoneA, ZoneB, "--format", "json", "--output", file);
        r.ExitCode.ShouldBe(ExitCodes.Passed);
        r.Out.ShouldBeEmpty();
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        doc.RootElement.GetProperty("schema").GetString().ShouldBe("amiaudit.diff/v1");
        doc.RootElement.GetProperty("chains").GetArrayLength().ShouldBe(2);
        Directory.GetFiles(dir).ShouldBe([file]); // no temp file left behind
    }

    [Fact]
    public void One_corrupt_snapshot_is_reported_with_its_path_and_the_rest_compared()
    {
        var b = TempCopy(ZoneB);
        var bad = Path.Combine(b, "broken.json");
        File.WriteAllText(bad, "{\n  \"schema\": \"amiaudit.snapshot/v1\",\n  \"target\": [\n");
        var r = CliHarness.Run("diff", ZoneA, b, "--format", "json");
        r.ExitCode.ShouldBe(ExitCodes.Passed, r.Error);
        r.Error.ShouldContain($"skipped {bad}: ");
        using var doc = JsonDocument.Parse(r.Out);
        doc.RootElement.GetProperty("b").GetProperty("nodes").GetInt32().ShouldBe(3);
        var problem = doc.RootElement.GetProperty("loadProblems")[0];
        problem.GetProperty("path").GetString().ShouldBe(bad);
        problem.GetProperty("message").GetString()!.ShouldMatch(@"^\d+:\d+: ");
    }

    [Fact]
    public void A_side_with_nothing_usable_is_exit_3()
    {
        var b = Directory.CreateTempSubdirectory("amiaudit-diffbad-").FullName;
        File.WriteAllText(Path.Combine(b, "x.json"), "not json");
        var r = CliHarness.Run("diff", ZoneA, b);
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        r.Error.ShouldContain("has no usable snapshot (1 skipped)");
    }

    [Fact]
    public void An_empty_directory_is_exit_3()
    {
        var empty = Directory.CreateTempSubdirectory("amiaudit-diffempty-").FullName;
        var r = CliHarness.Run("diff", ZoneA, empty);
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        r.Error.ShouldContain("no *.json snapshots");
    }

    [Fact]
    public void Another_schema_version_gets_a_clear_message()
    {
        var b = Directory.CreateTempSubdirectory("amiaudit-diffv2-").FullName;
        var v2 = File.ReadAllText(Directory.GetFiles(ZoneB)[0]).Replace("amiaudit.snapshot/v1", "amiaudit.snapshot/v2", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(b, "node.json"), v2);
        var r = CliHarness.Run("diff", ZoneA, b);
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        r.Error.ShouldContain("snapshot schema \"amiaudit.snapshot/v2\" is not supported by this amiaudit (reads \"amiaudit.snapshot/v1\")");
    }

    [Fact]
    public void Named_environments_come_from_the_config_and_unknown_names_list_the_known_ones()
    {
        var dir = Directory.CreateTempSubdirectory("amiaudit-diffcfg-").FullName;
        var cfg = Path.Combine(dir, "amiaudit.yaml");
        File.WriteAllText(cfg, $"environments:\n  zone-a: {{ snapshots: {ZoneA} }}\n  zone-b:\n    snapshots: {ZoneB}\n");
        var ok = CliHarness.Run("diff", "zone-a", "zone-b", "--config", cfg);
        ok.ExitCode.ShouldBe(ExitCodes.Passed, ok.Error);
        ok.Out.ShouldContain("zone-b: ecs.service never started");

        var bad = CliHarness.Run("diff", "zone-a", "zone-c", "--config", cfg);
        bad.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        bad.Error.ShouldContain("'zone-c' is neither");
        bad.Error.ShouldContain("known environments");
        bad.Error.ShouldContain("zone-a, zone-b");
    }

    [Fact]
    public void Two_image_roots_are_collected_and_compared()
    {
        var root = CliHarness.Example("dlami-root");
        CliHarness.Run("diff", "--root", root, "--root", root).Out.ShouldContain("are identical");

        var copy = Directory.CreateTempSubdirectory("amiaudit-diffroot-").FullName;
        CopyTree(root, copy);
        File.Delete(Path.Combine(copy, "usr", "local", "bin", "node-bootstrap.sh"));
        var r = CliHarness.Run("diff", "--root", root, "--root", copy, "--format", "json");
        r.ExitCode.ShouldBe(ExitCodes.Passed, r.Error);
        r.Out.ShouldContain("node-bootstrap.sh");
    }

    [Fact]
    public void The_live_host_is_a_side_named_after_it()
    {
        // A snapshot of this very host, collected by the CLI itself, then compared with the running host.
        var dir = Directory.CreateTempSubdirectory("amiaudit-difflive-").FullName;
        var snap = Path.Combine(dir, "this-host.json");
        var collect = CliHarness.Run("collect", "--live", "--out", snap);
        collect.ExitCode.ShouldBe(ExitCodes.Passed, collect.Error);

        var r = CliHarness.Run("diff", "live", snap, "--format", "json");
        r.ExitCode.ShouldBeOneOf([ExitCodes.Passed, ExitCodes.GateFailed], r.Error);
        using var doc = JsonDocument.Parse(r.Out);
        var a = doc.RootElement.GetProperty("a");
        a.GetProperty("name").GetString()!.ShouldStartWith("live");
        a.GetProperty("nodes").GetInt32().ShouldBe(1);
        doc.RootElement.GetProperty("b").GetProperty("name").GetString().ShouldBe("this-host.json");
        doc.RootElement.GetProperty("keysCompared").GetInt32().ShouldBeGreaterThan(0);

        // The same host against an image root (--root once plus one side), and as a named environment.
        var root = CliHarness.Run("diff", "--root", CliHarness.Example("dlami-root"), "live");
        root.ExitCode.ShouldBeOneOf([ExitCodes.Passed, ExitCodes.GateFailed], root.Error);
        root.Out.ShouldContain("amiaudit diff: dlami-root (1 nodes) vs live");
        var cfg = Path.Combine(dir, "amiaudit.yaml");
        File.WriteAllText(cfg, "environments:\n  this-node: { live: true }\n");
        var named = CliHarness.Run("diff", "this-node", snap, "--config", cfg);
        named.ExitCode.ShouldBeOneOf([ExitCodes.Passed, ExitCodes.GateFailed], named.Error);
        named.Out.ShouldContain("this-node (1 nodes) vs this-host.json");
    }

    [Fact]
    public void One_side_only_is_a_usage_error() =>
        CliHarness.Run("diff", ZoneA).ExitCode.ShouldBe(ExitCodes.Usage);

    private static void CopyTree(string from, string to)
    {
        foreach (var d in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, d)));
        foreach (var f in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var info = new FileInfo(f);
            if (info.LinkTarget is { } target) File.CreateSymbolicLink(Path.Combine(to, Path.GetRelativePath(from, f)), target);
            else File.Copy(f, Path.Combine(to, Path.GetRelativePath(from, f)));
        }
    }
}
