using AmiAudit.Reporting.Diff;

namespace AmiAudit.Reporting.Tests.Diff;

using AmiAudit.Core.Diff;

/// <summary>The diff console wraps at spaces to the width it is given and never splits a token a user copies.</summary>
public class ConsoleDiffWrapTests
{
    private const string Url = "https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.0/2024-01-04/bin/linux/amd64/aws-iam-authenticator-bootstrap-helper.sh";
    private const string Sha = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static DiffResult WithLongTokens() => new()
    {
        A = new DiffSide { Name = "zone-a", Nodes = 3 },
        B = new DiffSide { Name = "zone-b", Nodes = 3 },
        Divergences =
        [
            new Divergence { Key = "bootstrap/url", Class = DivergenceClass.Consistent, A = [new ValueCount { Value = Url, Count = 3 }], B = [new ValueCount { Value = "absent", Count = 3 }] },
            new Divergence { Key = "binary/nvidia-smi/sha256", Class = DivergenceClass.Consistent, A = [new ValueCount { Value = Sha, Count = 3 }], B = [new ValueCount { Value = Sha.Replace('9', '8'), Count = 3 }] },
        ],
    };

    private static string Render(int width) =>
        DiffReporters.Get("console").Render(WithLongTokens(), new ReportContext { ToolVersion = "0.1.0", GeneratedAt = DateTimeOffset.UnixEpoch, Width = width });

    [Theory]
    [InlineData(40)]
    [InlineData(80)]
    [InlineData(160)]
    public void Urls_and_digests_stay_whole_on_one_line(int width)
    {
        var lines = Render(width).Split('\n');
        lines.ShouldContain(l => l.Contains(Url, StringComparison.Ordinal));
        lines.ShouldContain(l => l.Contains(Sha, StringComparison.Ordinal));
        // A line is longer than the width only when it is one token that cannot be broken.
        lines.Where(l => l.Length > width).ShouldAllBe(l => !l.Trim().Contains(' '));
    }

    [Fact]
    public void A_wide_terminal_gets_wide_lines()
    {
        var wide = Render(160).Split('\n');
        wide.ShouldContain(l => l.Contains("zone-a: " + Url, StringComparison.Ordinal));
        Render(80).Split('\n').ShouldNotContain(l => l.Contains("zone-a: " + Url, StringComparison.Ordinal));
    }
}
