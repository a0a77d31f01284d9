using AmiAudit.Core.Evaluation;

namespace AmiAudit.Reporting.Tests.Scan;

/// <summary>Even if a secret slipped past the collectors, no report format may print it.</summary>
public class RedactionInReportsTests
{
    private const string Signature = "d3adb33fc0ffee0123456789abcdef0123456789abcdef0123456789abcdef01";
    private const string Presigned =
        "https://my-bucket.s3.amazonaws.com/kubelet?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLEKEY%2F20250101%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Signature=" + Signature;

    public static TheoryData<string> Formats() => [.. ScanReporters.Formats];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Presigned_url_signature_never_reaches_the_report(string format)
    {
        var result = ScanFixtures.DlamiGateFailed();
        var leaky = result with
        {
            Findings = [.. result.Findings.Select(f => f.RuleId != "BOOT-002" ? f : f with
            {
                Subject = Presigned,
                Message = "kubelet is downloaded from " + Presigned,
                Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["url"] = Presigned, ["env"] = "API_TOKEN=hunter2hunter2" },
            })],
        };
        var text = ScanReporters.Get(format).Render(leaky, ScanFixtures.Context with { Width = 132 });
        text.ShouldNotContain(Signature);
        text.ShouldNotContain("AKIAEXAMPLEKEY");
        text.ShouldNotContain("hunter2");
        text.ShouldContain("my-bucket.s3.amazonaws.com"); // the finding itself is still there
    }
}
