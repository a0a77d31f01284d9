using AmiAudit.Core.Model;
using AmiAudit.Reporting.Evidence;

namespace AmiAudit.Reporting.Tests.Scan;

/// <summary>The post-mortem timeline in console and Markdown scan reports and in collect's summary.</summary>
public class TimelineReportTests
{
    private static readonly DateTimeOffset T = new(2026, 3, 3, 14, 2, 0, TimeSpan.Zero);

    private static List<TimelineEntry> Entries() =>
    [
        new() { Time = T, Until = T.AddHours(24), Source = "journal", Subject = "ecs.service", Event = "restarted 8,640 times (360/h); last exit code=exited, status=5/NOTINSTALLED", Count = 8640 },
        new() { Time = T.AddHours(3), Source = "kernel", Subject = "eth0", Event = "ENA device reset (TX queue paused)", Count = 1 },
        // From a hostile root: control characters, Markdown, a token.
        new() { Time = T.AddHours(4), Source = "docker", Subject = "x|y\u001b[31m", Event = "last log line: stderr: curl https://h/k?X-Amz-Signature=SECRET0123 *bold*", Count = 1 },
    ];

    [Fact]
    public void Console_scan_report_shows_the_timeline_within_the_width_and_escaped()
    {
        var result = ScanFixtures.ByName("clean-pass") with { Timeline = Entries() };
        var text = ScanReporters.Get("console").Render(result, ScanFixtures.Context with { Width = 80 });
        text.ShouldContain("Timeline (from the logs the node left on its root, UTC):\n  2026-03-03 14:02:00Z → 2026-03-04 14:02:00Z  journal  ecs.service\n      restarted 8,640 times (360/h)");
        text.ShouldContain("  2026-03-03 17:02:00Z  kernel  eth0\n      ENA device reset (TX queue paused)\n");
        text.ShouldNotContain("SECRET0123");
        text.ShouldNotContain("\u001b[31m");
    }

    [Fact]
    public void Markdown_scan_report_has_a_timeline_table_only_when_there_is_one()
    {
        var md = ScanReporters.Get("markdown");
        md.Render(ScanFixtures.ByName("clean-pass"), ScanFixtures.Context).ShouldNotContain("## Timeline");
        var text = md.Render(ScanFixtures.ByName("clean-pass") with { Timeline = Entries() }, ScanFixtures.Context);
        text.ShouldContain("## Timeline");
        text.ShouldContain("| 2026-03-03 14:02:00Z → 2026-03-04 14:02:00Z | journal | `ecs.service` | restarted 8,640 times (360/h); last exit code=exited, status=5/NOTINSTALLED |");
        text.ShouldContain("| 2026-03-03 17:02:00Z | kernel | `eth0` | ENA device reset (TX queue paused) |");
        text.ShouldContain("\\*bold\\*");
        text.ShouldNotContain("SECRET0123");
    }

    [Fact]
    public void Collect_summary_tells_the_post_mortem()
    {
        var snapshot = new Snapshot
        {
            Target = new TargetInfo { Root = "/mnt/dead-node" },
            Evidence = new EvidenceFacts
            {
                Journal = new JournalEvidence { Status = "read", Records = 51_840, Files = ["/var/log/journal/m/system.journal"] },
                Units = [new UnitEvidence { Name = "ecs.service", Restarts = 8640, RestartsPerHour = 360, Failures = 8640, Starts = 8641, First = T, Last = T.AddHours(24) }],
                Kernel = new KernelEvidence { Ena = [new EnaInterface { Name = "eth0", Resets = 12, ImpliedResets = 1, DriverVersion = "2.11.0g" }], OomKills = 1 },
                CloudInit = new CloudInitEvidence { FailedScript = "/var/lib/cloud/instance/scripts/part-001", ExitStatus = 22, FailingCommand = "curl -fsSL -o /usr/bin/kubelet https://x/kubelet" },
                Timeline = Entries(),
            },
        };
        var console = CollectSummary.Render(snapshot, "console", "dead-node.json");
        console.ShouldContain("snapshot written to dead-node.json");
        console.ShouldContain("journal: read, 51,840 records in 1 file(s)");
        console.ShouldContain("ecs.service: 8,640 restarts (360/h), 8,640 failures, 8,641 starts");
        console.ShouldContain("ENA eth0: 12 resets (1 implied)");
        console.ShouldContain("1 OOM kills");
        console.ShouldContain("/var/lib/cloud/instance/scripts/part-001 failed with exit status 22: curl -fsSL -o /usr/bin/kubelet https://x/kubelet");
        console.ShouldContain("Timeline (from the logs the node left on its root, UTC):");
        var markdown = CollectSummary.Render(snapshot, "markdown", null);
        markdown.ShouldStartWith("# AmiAudit collect: /mnt/dead-node\n");
        markdown.ShouldContain("## Timeline (UTC)");
        markdown.ShouldContain("| 2026-03-03 17:02:00Z | kernel | eth0 | ENA device reset (TX queue paused) |");
        markdown.ShouldContain("x\\|y");
        CollectSummary.Render(new Snapshot(), "console", null).ShouldContain("No logs on this root");
    }
}
