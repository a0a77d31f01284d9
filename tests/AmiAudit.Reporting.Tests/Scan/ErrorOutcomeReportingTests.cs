using System.Text.Json.Nodes;
using AmiAudit.Core.Evaluation;
using AmiAudit.Reporting.Scan;

namespace AmiAudit.Reporting.Tests.Scan;

/// <summary>
/// Issue 8, defect 3 in the reports: an error finding (a rule that could not judge its target) is shown with
/// its reason in every format, and the gate verdict says whether errors failed it (<c>--on-error</c>).
/// </summary>
public class ErrorOutcomeReportingTests
{
    private const string Reason = "cannot judge ecs.service: drop-in /etc/systemd/system/ecs.service.d/20-broken.conf could not be read: dangling symlink";

    /// <summary>Only an error: no failure anywhere, and no --fail-on.</summary>
    private static ScanResult OnlyAnError(OnError mode, Severity? failOn = null)
    {
        var clean = ScanFixtures.CleanPass();
        var t = clean.TargetName;
        var error = new Finding
        {
            RuleId = "ECS-001", Title = "The ECS agent is not enabled on a Kubernetes node", Severity = Severity.Critical,
            Status = FindingStatus.Error, Policy = ScanFixtures.K8sPolicy, Target = t, Subject = "ecs.service",
            Fingerprint = "0123456789abcdef", Message = Reason, Location = "/lib/systemd/system/ecs.service",
        };
        return clean with
        {
            FailOn = failOn,
            OnError = mode,
            Findings = [.. clean.Findings.Where(f => f.RuleId != "ECS-001"), error],
        };
    }

    private static string Render(string format, ScanResult r) => ScanReporters.Get(format).Render(r, ScanFixtures.Context);

    [Fact]
    public void The_gate_line_names_the_on_error_mode_whenever_there_are_errors()
    {
        ScanView.GateLine(OnlyAnError(OnError.Fail)).ShouldBe("gate: FAILED at --on-error fail");
        ScanView.GateLine(OnlyAnError(OnError.Warn)).ShouldBe("gate: passed at --on-error warn");
        ScanView.GateLine(OnlyAnError(OnError.Fail, Severity.Critical)).ShouldBe("gate: FAILED at --fail-on critical, --on-error fail");
        ScanView.GateLine(OnlyAnError(OnError.Warn, Severity.Critical)).ShouldBe("gate: passed at --fail-on critical, --on-error warn");
        ScanView.GateLine(ScanFixtures.CleanPass()).ShouldBe("gate: passed at --fail-on high"); // no error: unchanged
        ScanView.GateLine(ScanFixtures.NoGateRelativeRoot() with { Findings = [] }).ShouldBeNull();
    }

    [Fact]
    public void Console_lists_the_error_row_and_the_verdict()
    {
        var text = Render("console", OnlyAnError(OnError.Fail));
        text.ShouldContain("error");
        text.ShouldContain("cannot judge ecs.service");
        text.ShouldContain("1 rule could not be evaluated\n");
        text.ShouldEndWith("gate: FAILED at --on-error fail\n");
    }

    [Fact]
    public void Json_carries_the_error_and_the_on_error_mode()
    {
        var json = JsonNode.Parse(Render("json", OnlyAnError(OnError.Warn)))!;
        ((string?)json["gate"]!["onError"]).ShouldBe("warn");
        ((bool?)json["gate"]!["failed"]).ShouldBe(false);
        ((int?)json["summary"]!["errors"]).ShouldBe(1);
        var f = json["findings"]!.AsArray().Single(x => (string?)x!["status"] == "error")!;
        ((string?)f["message"]).ShouldBe(Reason);
    }

    [Fact]
    public void Junit_reports_an_error_element_with_the_reason()
    {
        var doc = System.Xml.Linq.XDocument.Parse(Render("junit", OnlyAnError(OnError.Fail)));
        var error = doc.Descendants("error").ShouldHaveSingleItem();
        ((string)error.Attribute("message")!).ShouldBe(Reason);
        ((string)doc.Root!.Attribute("errors")!).ShouldBe("1");
    }

    [Fact]
    public void Sarif_reports_an_open_result_and_an_error_notification_tied_to_the_rule()
    {
        var run = JsonNode.Parse(Render("sarif", OnlyAnError(OnError.Fail)))!["runs"]![0]!;
        var result = run["results"]!.AsArray().Single(r => (string?)r!["ruleId"] == "ECS-001")!;
        ((string?)result["kind"]).ShouldBe("open");
        ((string?)result["level"]).ShouldBe("none");
        var rules = run["tool"]!["driver"]!["rules"]!.AsArray();
        var note = run["invocations"]![0]!["toolExecutionNotifications"]!.AsArray().Single(n => n!["associatedRule"] is not null)!;
        ((string?)note["level"]).ShouldBe("error");
        ((string?)note["message"]!["text"]).ShouldBe(Reason);
        var index = (int)note["associatedRule"]!["index"]!;
        ((string?)rules[index]!["id"]).ShouldBe("ECS-001");
        ((string?)run["properties"]!["gate"]!["onError"]).ShouldBe("fail");
        ((bool?)run["properties"]!["gate"]!["failed"]).ShouldBe(true);
    }

    [Fact]
    public void Markdown_says_the_gate_failed_on_errors_and_lists_why()
    {
        var failed = Render("markdown", OnlyAnError(OnError.Fail));
        failed.ShouldContain("> **Gate FAILED** at `--on-error fail`");
        failed.ShouldContain("with `--on-error fail` they fail the gate.");
        failed.ShouldContain("## Errors");
        failed.ShouldContain("drop-in /etc/systemd/system/ecs.service.d/20-broken.conf could not be read");

        var warned = Render("markdown", OnlyAnError(OnError.Warn));
        warned.ShouldContain("> **No gate set** (report only)");
        warned.ShouldContain("with `--on-error warn` they are reported only.");
    }
}
