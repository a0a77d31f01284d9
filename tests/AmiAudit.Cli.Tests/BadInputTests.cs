using AmiAudit.Cli.Infrastructure;

namespace AmiAudit.Cli.Tests;

public class BadInputTests
{
    [Fact]
    public void Missing_root_is_exit_3_with_one_clear_line()
    {
        var r = CliHarness.Run("scan", "--root", "/nonexistent/amiaudit-root");
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        r.Error.Trim().Split('\n').Length.ShouldBe(1);
        r.Error.ShouldContain("/nonexistent/amiaudit-root: no such directory");
    }

    [Fact]
    public void Root_that_is_a_file_is_exit_3()
    {
        var f = Path.GetTempFileName();
        var r = CliHarness.Run("scan", "--root", f);
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        r.Error.ShouldContain("is a file, not a directory");
    }

    [Fact]
    public void Empty_root_is_collection_failed()
    {
        var d = Directory.CreateTempSubdirectory("amiaudit-empty-");
        var r = CliHarness.Run("collect", "--root", d.FullName);
        r.ExitCode.ShouldBe(ExitCodes.CollectionFailed);
        r.Error.ShouldContain("nothing could be collected");
    }

    [Fact]
    public void Unknown_option_is_usage_error()
    {
        var r = CliHarness.Run("scan", "--frobnicate");
        r.ExitCode.ShouldBe(ExitCodes.Usage);
        r.Error.ShouldContain("--help");
    }

    [Fact]
    public void Bad_fail_on_value_is_usage_error()
    {
        CliHarness.Run("scan", "--root", CliHarness.Example("dlami-root"), "--fail-on", "severe").ExitCode.ShouldBe(ExitCodes.Usage);
    }

    [Fact]
    public void Broken_policies_list_every_error_with_location_in_one_run()
    {
        var dir = Directory.CreateTempSubdirectory("amiaudit-badpol-");
        File.WriteAllText(Path.Combine(dir.FullName, "a.yaml"), """
            apiVersion: amiaudit/v1
            kind: Policy
            metadata: { name: a }
            rules:
              - id: DUP-1
                title: t
                severity: high
                for: systemd.units
                expect: { name: { frobnicates: x } }
              - id: RX-1
                title: t
                severity: high
                for: systemd.units
                expect: { name: { matches: "([a-z" } }
            """);
        File.WriteAllText(Path.Combine(dir.FullName, "b.yaml"), """
            apiVersion: amiaudit/v1
            kind: Policy
            metadata: { name: b }
            rules:
              - id: DUP-1
                title: t
                severity: high
                for: systemd.units
                expect: { name: { equals: x } }
            """);
        File.WriteAllText(Path.Combine(dir.FullName, "c.yaml"), "apiVersion: amiaudit/v1\nkind: Policy\nrules: [ {id: X\n");
        var r = CliHarness.Run("scan", "--root", CliHarness.Example("dlami-root"), "--policy", dir.FullName);
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        r.Error.ShouldContain("a.yaml:9:");      // unknown operator
        r.Error.ShouldContain("a.yaml:14:");     // bad regex
        r.Error.ShouldContain("b.yaml:5:");      // duplicate id
        r.Error.ShouldContain("c.yaml:");        // YAML syntax
        r.Error.ShouldContain("frobnicates");
    }

    [Fact]
    public void Corrupt_snapshot_is_exit_3_with_location()
    {
        var f = Path.Combine(Directory.CreateTempSubdirectory("amiaudit-snap-").FullName, "s.json");
        File.WriteAllText(f, "{\n  \"schema\": \"amiaudit.snapshot/v1\",\n  \"systemd\": { \"units\": 7 }\n}\n");
        var r = CliHarness.Run("scan", "--snapshot", f);
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        r.Error.ShouldContain(f + ":3:");
    }

    [Fact]
    public void Snapshot_of_another_schema_version_says_so()
    {
        var f = Path.Combine(Directory.CreateTempSubdirectory("amiaudit-snap-").FullName, "s.json");
        File.WriteAllText(f, "{\"schema\":\"amiaudit.snapshot/v9\"}");
        var r = CliHarness.Run("scan", "--snapshot", f);
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        r.Error.ShouldContain("amiaudit.snapshot/v9");
        r.Error.ShouldContain("re-collect");
    }

    [Fact]
    public void Minimal_snapshot_with_only_the_schema_key_is_judged_not_crashed()
    {
        // Keys a snapshot leaves out take the model's defaults (empty lists), as a hand-written or
        // older snapshot would; the evaluator must not see nulls.
        var f = Path.Combine(Directory.CreateTempSubdirectory("amiaudit-snap-").FullName, "s.json");
        File.WriteAllText(f, "{\"schema\":\"amiaudit.snapshot/v1\"}");
        var r = CliHarness.Run("scan", "--snapshot", f, "--format", "json");
        r.ExitCode.ShouldBe(ExitCodes.Passed, r.Error);
        r.Out.ShouldContain("\"failed\": 0");
    }

    [Fact]
    public void A_config_nested_too_deep_is_exit_3_with_its_location_not_a_crash()
    {
        var cfg = Path.Combine(Directory.CreateTempSubdirectory("amiaudit-deepcfg-").FullName, "amiaudit.yaml");
        File.WriteAllText(cfg, "environments: " + new string('[', 100_000) + new string(']', 100_000) + "\n");
        var r = CliHarness.Run("diff", "zone-a", "zone-b", "--config", cfg);
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput, r.Error);
        // The document mapping is level 1, so the 64th "[" (column 14 + 64) is level 65.
        r.Error.ShouldContain($"{cfg}:1:{14 + 64}: nested deeper than 64 levels");
    }
}
