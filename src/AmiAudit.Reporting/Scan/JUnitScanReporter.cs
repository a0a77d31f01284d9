using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using AmiAudit.Core.Evaluation;
using static AmiAudit.Reporting.Escaping.ReportText;

namespace AmiAudit.Reporting.Scan;

/// <summary>
/// JUnit XML for CI test tabs (Jenkins, GitLab, Azure DevOps, Image Builder test reports).
/// One &lt;testsuite&gt; per target+policy; each finding is a test case "RULE-ID: title [subject]";
/// fail → &lt;failure&gt;, error → &lt;error&gt;, waived or not judgeable → &lt;skipped&gt;.
/// Deterministic: time="0" everywhere, the only timestamp is <see cref="ReportContext.GeneratedAt"/>.
/// </summary>
internal sealed class JUnitScanReporter : IScanReporter
{
    public string Format => "junit";
    public string FileExtension => ".xml";

    public string Render(ScanResult result, ReportContext ctx)
    {
        result = ScanView.Redacted(result);
        var timestamp = ctx.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var suites = Suites(result)
            .Select(s => Suite(s.Target, s.Policy, s.Findings, result, timestamp))
            .ToList();

        var root = new XElement("testsuites",
            new XAttribute("name", "amiaudit"),
            CountAttributes(result.Findings),
            suites);
        var doc = new XDocument(new XDeclaration("1.0", "utf-8", null), root);
        return Serialize(doc);
    }

    /// <summary>Groups by (target, policy); policies that produced no finding still get an empty
    /// suite so the report shows they ran.</summary>
    private static IEnumerable<(string Target, string Policy, IReadOnlyList<Finding> Findings)> Suites(ScanResult result)
    {
        var groups = result.Findings
            .GroupBy(f => (Target: string.IsNullOrEmpty(f.Target) ? result.TargetName : f.Target, f.Policy))
            .ToDictionary(g => g.Key, g => ScanView.Ordered(g));
        foreach (var p in result.Policies)
            groups.TryAdd((result.TargetName, p.Name), []);
        return groups
            .OrderBy(kv => kv.Key.Target, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Policy, StringComparer.Ordinal)
            .Select(kv => (kv.Key.Target, kv.Key.Policy, kv.Value));
    }

    private static XElement Suite(string target, string policy, IReadOnlyList<Finding> findings, ScanResult result, string timestamp)
    {
        var t = result.Target;
        var props = new List<(string Name, string? Value)>
        {
            ("amiaudit.target", target),
            ("amiaudit.policy", policy),
            ("amiaudit.policyFile", result.Policies.FirstOrDefault(p => p.Name == policy)?.File),
            ("amiaudit.kind", t.Kind),
            ("amiaudit.imageId", t.ImageId),
            ("amiaudit.availabilityZone", t.AvailabilityZone),
            ("amiaudit.instanceId", t.InstanceId),
            ("amiaudit.hostname", t.Hostname),
            ("amiaudit.root", t.Root),
            ("amiaudit.failOn", result.FailOn?.ToName()),
        };
        var suite = new XElement("testsuite",
            new XAttribute("name", XmlSafe($"{policy} @ {target}")),
            CountAttributes(findings),
            new XAttribute("timestamp", timestamp));
        if (!string.IsNullOrEmpty(t.Hostname))
            suite.Add(new XAttribute("hostname", XmlSafe(t.Hostname)));
        suite.Add(new XElement("properties",
            props.Where(p => !string.IsNullOrEmpty(p.Value))
                .Select(p => new XElement("property", new XAttribute("name", p.Name), new XAttribute("value", XmlSafe(p.Value))))));
        suite.Add(findings.Select(TestCase));
        return suite;
    }

    private static object[] CountAttributes(IReadOnlyCollection<Finding> findings) =>
    [
        new XAttribute("tests", N(findings.Count)),
        new XAttribute("failures", N(findings.Count(f => f.Status == FindingStatus.Fail))),
        new XAttribute("errors", N(findings.Count(f => f.Status == FindingStatus.Error))),
        new XAttribute("skipped", N(findings.Count(f => f.Status is FindingStatus.Waived or FindingStatus.Skipped))),
        new XAttribute("time", "0"),
    ];

    private static XElement TestCase(Finding f)
    {
        var testCase = new XElement("testcase",
            new XAttribute("name", XmlSafe(ScanView.CaseName(f))),
            new XAttribute("classname", XmlSafe(f.Policy)),
            new XAttribute("time", "0"));
        switch (f.Status)
        {
            case FindingStatus.Fail:
                testCase.Add(new XElement("failure",
                    new XAttribute("message", XmlSafe(Printable(f.Message))),
                    new XAttribute("type", f.Severity.ToName()),
                    XmlSafe(Body(f))));
                break;
            case FindingStatus.Error:
                testCase.Add(new XElement("error",
                    new XAttribute("message", XmlSafe(Printable(f.Message))),
                    new XAttribute("type", "evaluation-error"),
                    XmlSafe(Body(f))));
                break;
            case FindingStatus.Waived:
                testCase.Add(new XElement("skipped",
                    new XAttribute("message", XmlSafe(Printable("waived: " + ScanView.WaiverText(f))))));
                break;
            case FindingStatus.Skipped:
                testCase.Add(new XElement("skipped",
                    new XAttribute("message", XmlSafe(Printable(string.IsNullOrEmpty(f.Message) ? "not judgeable for this target" : f.Message)))));
                break;
        }
        return testCase;
    }

    /// <summary>What a CI user reads first: expected vs actual, then where, then how to fix.</summary>
    private static string Body(Finding f)
    {
        var sb = new StringBuilder();
        sb.Append("severity: ").Append(f.Severity.ToName()).Append('\n');
        if (!string.IsNullOrEmpty(f.Subject)) sb.Append("subject: ").Append(Printable(f.Subject)).Append('\n');
        if (!string.IsNullOrEmpty(f.Expected)) sb.Append("expected: ").Append(Printable(f.Expected)).Append('\n');
        if (f.Evidence.Count > 0)
        {
            sb.Append("actual:\n");
            foreach (var (field, value) in f.Evidence.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                sb.Append("  ").Append(Printable(field)).Append(" = ").Append(Printable(value)).Append('\n');
        }
        if (ScanView.LocationText(f) is { } location) sb.Append("location: ").Append(Printable(location)).Append('\n');
        if (!string.IsNullOrEmpty(f.Remediation)) sb.Append("remediation: ").Append(f.Remediation.Trim()).Append('\n');
        if (!string.IsNullOrEmpty(f.Rationale)) sb.Append("rationale: ").Append(f.Rationale.Trim()).Append('\n');
        if (!string.IsNullOrEmpty(f.Fingerprint)) sb.Append("fingerprint: ").Append(f.Fingerprint).Append('\n');
        return sb.ToString();
    }

    private static string Serialize(XDocument doc)
    {
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Replace,
        };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
            doc.Save(writer);
        // No per-line trimming here: trailing blanks inside text nodes are content.
        return Encoding.UTF8.GetString(stream.ToArray()).TrimEnd('\n') + "\n";
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
