using System.Text.Json.Nodes;
using AmiAudit.Cli.Infrastructure;

namespace AmiAudit.Cli.Tests;

/// <summary>The gate, end to end on the bundled incident image root (examples/dlami-root).</summary>
public class ScanCommandTests
{
    private static readonly string Dlami = CliHarness.Example("dlami-root");

    [Fact]
    public void Incident_image_fails_the_gate_naming_rule_unit_and_file()
    {
        var r = CliHarness.Run("scan", "--root", Dlami, "--fail-on", "high", "--format", "json");
        r.ExitCode.ShouldBe(ExitCodes.GateFailed, r.Error);
        var json = JsonNode.Parse(r.Out)!;
        var ecs = json["findings"]!.AsArray().Single(f => (string?)f!["ruleId"] == "ECS-001" && (string?)f["subject"] == "ecs.service")!;
        ((string?)ecs["status"]).ShouldBe("fail");
        ((string?)ecs["severity"]).ShouldBe("critical");
        ((string?)ecs["location"]).ShouldBe("/lib/systemd/system/ecs.service");
        ((string?)json["gate"]!["failed"]!.ToString()).ShouldBe("true");
    }

    [Fact]
    public void Junit_names_the_rule_and_the_unit_file()
    {
        var r = CliHarness.Run("scan", "--root", Dlami, "--fail-on", "high", "--format", "junit");
        r.ExitCode.ShouldBe(ExitCodes.GateFailed, r.Error);
        var doc = System.Xml.Linq.XDocument.Parse(r.Out);
        var failing = doc.Descendants("testcase").Where(t => t.Element("failure") is not null).ToList();
        var ecs = failing.Single(t => ((string)t.Attribute("name")!).StartsWith("ECS-001", StringComparison.Ordinal));
        ecs.Element("failure")!.Value.ShouldContain("/lib/systemd/system/ecs.service");
    }

    [Fact]
    public void Sarif_location_is_the_unit_file_inside_the_image()
    {
        var r = CliHarness.Run("scan", "--root", Dlami, "--fail-on", "none", "--format", "sarif");
        r.ExitCode.ShouldBe(ExitCodes.Passed, r.Error); // --fail-on none: report only
        var sarif = JsonNode.Parse(r.Out)!;
        var result = sarif["runs"]![0]!["results"]!.AsArray().First(x => (string?)x!["ruleId"] == "ECS-001")!;
        ((string?)result["locations"]![0]!["physicalLocation"]!["artifactLocation"]!["uri"]).ShouldBe("lib/systemd/system/ecs.service");
    }

    [Fact]
    public void Gate_below_threshold_passes()
    {
        // Every failing rule on the example is at most critical; a gate that only looks at
        // failures of a severity nothing reaches must pass. Use a policy with one info rule.
        var dir = Directory.CreateTempSubdirectory("amiaudit-cli-");
        File.WriteAllText(Path.Combine(dir.FullName, "p.yaml"), """
            apiVersion: amiaudit/v1
            kind: Policy
            metadata: { name: info-only }
            rules:
              - id: INFO-001
                title: ecs is disabled
                severity: info
                for: systemd.units
                where: { name: { equals: ecs.service } }
                expect: { unitFileState: { equals: disabled } }
            """);
        var r = CliHarness.Run("scan", "--root", Dlami, "--policy", dir.FullName, "--fail-on", "low", "--format", "json");
        r.ExitCode.ShouldBe(ExitCodes.Passed, r.Error);
        r.Out.ShouldContain("INFO-001");
        CliHarness.Run("scan", "--root", Dlami, "--policy", dir.FullName, "--fail-on", "info", "--format", "json").ExitCode.ShouldBe(ExitCodes.GateFailed);
    }

    [Fact]
    public void Saved_snapshot_evaluates_exactly_like_a_fresh_collection()
    {
        var dir = Directory.CreateTempSubdirectory("amiaudit-cli-");
        var snap = Path.Combine(dir.FullName, "s.json");
        CliHarness.Run("collect", "--root", Dlami, "--out", snap).ExitCode.ShouldBe(0);
        var fresh = CliHarness.Run("scan", "--root", Dlami, "--format", "json");
        var replay = CliHarness.Run("scan", "--snapshot", snap, "--format", "json");
        replay.ExitCode.ShouldBe(fresh.ExitCode);
        replay.Out.ShouldBe(fresh.Out);
    }

    [Theory]
    [InlineData("console")]
    [InlineData("json")]
    [InlineData("junit")]
    [InlineData("sarif")]
    [InlineData("markdown")]
    public void Presigned_url_signature_never_reaches_any_report(string format)
    {
        var r = CliHarness.Run("scan", "--root", Dlami, "--format", format);
        (r.Out + r.Error).ShouldNotContain("0f1e2d3c4b5a6978");
        (r.Out + r.Error).ShouldNotContain("AKIAEXAMPLEEXAMPLE12");
    }

    [Fact]
    public void Snapshot_of_the_example_holds_no_secret_and_is_deterministic()
    {
        var a = CliHarness.Run("collect", "--root", Dlami);
        var b = CliHarness.Run("collect", "--root", Dlami);
        a.ExitCode.ShouldBe(0, a.Error);
        a.Out.ShouldBe(b.Out);
        a.Out.ShouldNotContain("0f1e2d3c4b5a6978");
        a.Out.ShouldContain("REDACTED");
    }
}
