using System.Xml.Linq;
using AmiAudit.Core.Evaluation;

namespace AmiAudit.Reporting.Tests.Scan;

public class JUnitScanReporterTests
{
    private static XDocument Render(ScanResult result) =>
        XDocument.Parse(ScanReporters.Get("junit").Render(result, ScanFixtures.Context));

    private static int Attr(XElement e, string name) => int.Parse(e.Attribute(name)!.Value, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("dlami-gate-failed")]
    [InlineData("clean-pass")]
    [InlineData("no-gate-relative-root")]
    public void Counts_match_the_elements_and_the_findings(string fixture)
    {
        var result = ScanFixtures.ByName(fixture);
        var doc = Render(result);
        var root = doc.Root!;
        root.Name.LocalName.ShouldBe("testsuites");

        // Each suite's attributes agree with its own children…
        foreach (var suite in root.Elements("testsuite"))
        {
            var cases = suite.Elements("testcase").ToList();
            Attr(suite, "tests").ShouldBe(cases.Count);
            Attr(suite, "failures").ShouldBe(cases.Count(c => c.Element("failure") is not null));
            Attr(suite, "errors").ShouldBe(cases.Count(c => c.Element("error") is not null));
            Attr(suite, "skipped").ShouldBe(cases.Count(c => c.Element("skipped") is not null));
        }
        // …and the totals agree with the scan result, counted independently of the reporter.
        Attr(root, "tests").ShouldBe(result.Findings.Count);
        Attr(root, "failures").ShouldBe(result.Findings.Count(f => f.Status == FindingStatus.Fail));
        Attr(root, "errors").ShouldBe(result.Findings.Count(f => f.Status == FindingStatus.Error));
        Attr(root, "skipped").ShouldBe(result.Findings.Count(f => f.Status is FindingStatus.Waived or FindingStatus.Skipped));
        root.Descendants("testcase").Count().ShouldBe(result.Findings.Count);
    }

    [Fact]
    public void One_suite_per_target_and_policy_with_identity_properties()
    {
        var doc = Render(ScanFixtures.DlamiGateFailed());
        var suites = doc.Root!.Elements("testsuite").ToList();
        suites.Select(s => s.Attribute("name")!.Value).ShouldBe(
        [
            $"{ScanFixtures.BootstrapPolicy} @ {ScanFixtures.DlamiTarget}",
            $"{ScanFixtures.K8sPolicy} @ {ScanFixtures.DlamiTarget}",
        ]);
        var props = suites[1].Element("properties")!.Elements("property")
            .ToDictionary(p => p.Attribute("name")!.Value, p => p.Attribute("value")!.Value);
        props["amiaudit.imageId"].ShouldBe("ami-0d2a1d1a7f3b9c001");
        props["amiaudit.availabilityZone"].ShouldBe("us-west-2a");
        props["amiaudit.instanceId"].ShouldBe("i-0123456789abcdef0");
        props["amiaudit.hostname"].ShouldBe("ip-10-0-1-23");
        props["amiaudit.root"].ShouldBe("/mnt/image");
    }

    [Fact]
    public void Ecs_failure_names_rule_unit_and_file_with_expected_vs_actual()
    {
        var doc = Render(ScanFixtures.DlamiGateFailed());
        var ecs = doc.Descendants("testcase").Single(c => c.Attribute("name")!.Value.StartsWith("ECS-001", StringComparison.Ordinal));
        ecs.Attribute("name")!.Value.ShouldBe("ECS-001: The ECS agent is not enabled on a Kubernetes node [ecs.service]");
        ecs.Attribute("classname")!.Value.ShouldBe(ScanFixtures.K8sPolicy);
        ecs.Attribute("time")!.Value.ShouldBe("0");
        var failure = ecs.Element("failure")!;
        failure.Attribute("message")!.Value.ShouldBe("ecs.service is enabled (wanted by multi-user.target) and will start at boot");
        failure.Value.ShouldContain("expected: unitFileState notIn [enabled, enabled-runtime]");
        failure.Value.ShouldContain("unitFileState = enabled");
        failure.Value.ShouldContain("location: /lib/systemd/system/ecs.service");
        failure.Value.ShouldContain("remediation: systemctl disable ecs.service");
    }

    [Fact]
    public void Waived_and_skipped_become_skipped_with_reason_and_error_becomes_error()
    {
        var doc = Render(ScanFixtures.DlamiGateFailed());
        Case(doc, "UNIT-002").Element("skipped")!.Attribute("message")!.Value
            .ShouldBe("waived: containerd is shipped inside the docker package on this AMI | tracked in ML-4411 (owner: team-ml-platform)");
        Case(doc, "BOOT-001").Element("skipped")!.Attribute("message")!.Value.ShouldStartWith("not judgeable offline");
        Case(doc, "PKG-001").Element("error").ShouldNotBeNull();
        Case(doc, "UNIT-001").HasElements.ShouldBeFalse();
    }

    [Fact]
    public void Control_characters_in_evidence_stay_visible_and_the_xml_stays_valid()
    {
        var text = ScanReporters.Get("junit").Render(ScanFixtures.DlamiGateFailed(), ScanFixtures.Context);
        text.ShouldNotContain("\u001b");
        text.ShouldNotContain("\u0007");
        var failure = Case(XDocument.Parse(text), "BOOT-002").Element("failure")!;
        // The metacharacters round-trip through XML escaping; the control chars are shown, not dropped.
        failure.Value.ShouldContain("arch=amd64&v=<1.29>");
        failure.Value.ShouldContain("\\u001b[31mOK\\u001b[0m \\u0007");
    }

    [Fact]
    public void Only_timestamp_is_generated_at()
    {
        var doc = Render(ScanFixtures.DlamiGateFailed());
        doc.Root!.Elements("testsuite").Select(s => s.Attribute("timestamp")!.Value).Distinct().ShouldBe(["2025-01-15T10:30:00"]);
        doc.Descendants().Attributes("time").Select(a => a.Value).Distinct().ShouldBe(["0"]);
    }

    private static XElement Case(XDocument doc, string ruleId) =>
        doc.Descendants("testcase").Single(c => c.Attribute("name")!.Value.StartsWith(ruleId + ":", StringComparison.Ordinal));
}
