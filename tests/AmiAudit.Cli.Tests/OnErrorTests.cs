using System.Text.Json.Nodes;
using System.Xml.Linq;
using AmiAudit.Cli.Infrastructure;

namespace AmiAudit.Cli.Tests;

/// <summary>
/// Issue 8, defect 3 at the gate: a rule that cannot judge a target is an <c>error</c> finding, errors fail
/// the scan (exit 1) unless <c>--on-error warn</c>, and every format shows the error with its reason.
/// The snapshot is the one the root produced before the systemd fix: ecs.service "bad", its
/// fields empty, and now a loadErrors entry saying which drop-in could not be read.
/// </summary>
public class OnErrorTests
{
    private const string Reason = "drop-in /etc/systemd/system/ecs.service.d/20-broken.conf could not be read: dangling symlink";

    private static readonly Lazy<string> BrokenSnapshot = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("amiaudit-onerror-");
        var path = Path.Combine(dir.FullName, "s.json");
        var collected = CliHarness.Run("collect", "--root", CliHarness.Example("dlami-root"), "--out", path);
        collected.ExitCode.ShouldBe(0, collected.Error);
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        var ecs = root["systemd"]!["units"]!.AsArray().Single(u => (string?)u!["name"] == "ecs.service")!.AsObject();
        ecs["unitFileState"] = "bad";
        ecs["startsAtBoot"] = false;
        ecs["bootPath"] = new JsonArray();
        ecs["loadErrors"] = new JsonArray(Reason);
        File.WriteAllText(path, root.ToJsonString());
        return path;
    });

    private static CliHarness.Outcome Scan(params string[] extra) =>
        CliHarness.Run(["scan", "--snapshot", BrokenSnapshot.Value, "--policy", Path.Combine(CliHarness.RepoRoot, "policies", "k8s-node-baseline.yaml"), .. extra]);

    [Fact]
    public void An_unjudgeable_critical_rule_fails_the_critical_gate_instead_of_passing_it()
    {
        var r = Scan("--fail-on", "critical", "--format", "json");
        r.ExitCode.ShouldBe(ExitCodes.GateFailed, r.Error);
        var json = JsonNode.Parse(r.Out)!;
        var ecs = json["findings"]!.AsArray().Single(f => (string?)f!["ruleId"] == "ECS-001" && (string?)f["subject"] == "ecs.service")!;
        ((string?)ecs["status"]).ShouldBe("error");
        ((string?)ecs["message"]).ShouldBe("cannot judge ecs.service: " + Reason);
        ((bool?)json["gate"]!["failed"]).ShouldBe(true);
        ((string?)json["gate"]!["onError"]).ShouldBe("fail");
        ((int)json["summary"]!["errors"]!).ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Errors_fail_the_scan_even_with_fail_on_none()
    {
        Scan("--fail-on", "none", "--format", "json").ExitCode.ShouldBe(ExitCodes.GateFailed);
    }

    [Fact]
    public void On_error_warn_reports_the_error_without_failing()
    {
        var r = Scan("--fail-on", "critical", "--on-error", "warn");
        r.ExitCode.ShouldBe(ExitCodes.Passed, r.Error);
        r.Out.ShouldContain("cannot judge ecs.service");
        r.Out.ShouldContain("--on-error warn");
    }

    [Fact]
    public void An_unknown_on_error_value_is_a_usage_error()
    {
        var r = Scan("--on-error", "ignore");
        r.ExitCode.ShouldBe(ExitCodes.Usage);
        r.Error.ShouldContain("--on-error");
    }

    [Fact]
    public void Console_shows_the_error_and_why_the_gate_failed()
    {
        var r = CliHarness.Run("scan", "--snapshot", BrokenSnapshot.Value, "--policy", Path.Combine(CliHarness.RepoRoot, "policies", "k8s-node-baseline.yaml"),
            "--fail-on", "critical");
        r.ExitCode.ShouldBe(ExitCodes.GateFailed);
        r.Out.ShouldContain("cannot judge ecs.service");
        r.Out.ShouldContain("gate: FAILED");
        r.Out.ShouldContain("could not be evaluated");
    }

    [Fact]
    public void Junit_has_an_error_element_with_the_reason()
    {
        var r = Scan("--fail-on", "critical", "--format", "junit");
        var doc = XDocument.Parse(r.Out);
        var ecs = doc.Descendants("testcase").Single(t => ((string)t.Attribute("name")!).StartsWith("ECS-001", StringComparison.Ordinal));
        ((string)ecs.Element("error")!.Attribute("message")!).ShouldBe("cannot judge ecs.service: " + Reason);
    }

    [Fact]
    public void Sarif_has_an_open_result_and_an_error_notification()
    {
        var r = Scan("--fail-on", "critical", "--format", "sarif");
        var run = JsonNode.Parse(r.Out)!["runs"]![0]!;
        var result = run["results"]!.AsArray().Single(x => (string?)x!["ruleId"] == "ECS-001")!;
        ((string?)result["kind"]).ShouldBe("open");
        ((string?)result["level"]).ShouldBe("none");
        ((string?)result["message"]!["text"]).ShouldBe("cannot judge ecs.service: " + Reason);
        var invocation = run["invocations"]![0]!;
        ((bool?)invocation["executionSuccessful"]).ShouldBe(false);
        var note = invocation["toolExecutionNotifications"]!.AsArray().Single(n => (string?)n!["associatedRule"]?["id"] == "ECS-001")!;
        ((string?)note["level"]).ShouldBe("error");
        ((string)note["message"]!["text"]!).ShouldContain(Reason);
    }

    [Fact]
    public void Markdown_lists_the_error_with_its_reason()
    {
        var r = Scan("--fail-on", "critical", "--format", "markdown");
        r.Out.ShouldContain("## Errors");
        r.Out.ShouldContain("cannot judge ecs.service");
        r.Out.ShouldContain("Gate FAILED");
    }
}
