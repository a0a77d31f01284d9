using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AmiAudit.Cli.Tests;

/// <summary>
/// The SRE's post-mortem (issue 9): scan / collect a dead node's root and read its story from its logs; probe loops
/// from a journal dump copied off a node. Logs composed from the node-facts shapes (T-ECS-04, T-SD-08, corpus 7.2).
/// </summary>
public sealed class PostMortemCommandTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 3, 14, 2, 0, TimeSpan.Zero);
    private readonly string _root = Directory.CreateTempSubdirectory("amiaudit-deadnode-").FullName;

    public PostMortemCommandTests()
    {
        Write("/etc/os-release", "ID=ubuntu\nVERSION_ID=\"20.04\"\n");
        Write("/lib/systemd/system/ecs.service", "[Unit]\nDescription=Amazon Elastic Container Service - container agent\n[Service]\nRestart=on-failure\nExecStart=/usr/libexec/amazon-ecs-init start\n[Install]\nWantedBy=multi-user.target\n");
        Directory.CreateDirectory(Host("/etc/systemd/system/multi-user.target.wants"));
        File.CreateSymbolicLink(Host("/etc/systemd/system/multi-user.target.wants/ecs.service"), "/lib/systemd/system/ecs.service");
        var sb = new StringBuilder();
        for (var i = 0; i < 120; i++)
        {
            var t = Start.AddSeconds(10 * i);
            sb.Append(Stamp(t)).Append(" ip-10-1-2-3 amazon-ecs-init[1842]: level=info time=").Append(t.AddSeconds(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append(" msg=\"Starting Amazon Elastic Container Service Agent\"\n");
            sb.Append(Stamp(t.AddSeconds(2))).Append(" ip-10-1-2-3 systemd[1]: ecs.service: Main process exited, code=exited, status=5/NOTINSTALLED\n");
            sb.Append(Stamp(t.AddSeconds(2))).Append(" ip-10-1-2-3 systemd[1]: ecs.service: Failed with result 'exit-code'.\n");
            sb.Append(Stamp(t.AddSeconds(10))).Append(" ip-10-1-2-3 systemd[1]: ecs.service: Scheduled restart job, restart counter is at ").Append(i + 1).Append(".\n");
        }
        var k = Start.AddMinutes(10);
        sb.Append(Stamp(k)).Append(" ip-10-1-2-3 kernel: [ 8060.000000] ena 0000:20:03.0 eth0: TX q 5 is paused for too long (threshold 5000000). Time since last napi 6596000 usec. napi scheduled: 1\n");
        sb.Append(Stamp(k)).Append(" ip-10-1-2-3 kernel: [ 8060.000200] ena 0000:20:03.0 eth0: Trigger reset is on\n");
        sb.Append(Stamp(k.AddSeconds(1))).Append(" ip-10-1-2-3 kernel: [ 8061.000000] ena 0000:20:03.0: Device reset completed successfully, Driver info: Elastic Network Adapter (ENA) v2.11.0g\n");
        Write("/var/log/syslog", sb.ToString());
        File.SetLastWriteTimeUtc(Host("/var/log/syslog"), Start.AddDays(1).UtcDateTime);
    }

    private static string Stamp(DateTimeOffset t) => string.Create(CultureInfo.InvariantCulture, $"{t:MMM} {t.Day,2} {t:HH:mm:ss}");
    private string Host(string p) => Path.Combine(_root, p.TrimStart('/'));

    private void Write(string p, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Host(p))!);
        File.WriteAllText(Host(p), text);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Scan_of_a_dead_nodes_root_judges_what_its_logs_say_and_shows_the_timeline()
    {
        var r = CliHarness.Run("scan", "--root", _root, "--fail-on", "high");
        r.ExitCode.ShouldBe(1, r.Error);
        r.Out.ShouldContain("NODE-UNIT-001");        // ecs.service restarts 120/h, from the syslog the node left
        r.Out.ShouldContain("PM-ENA-001");           // one ENA reset in its kernel log
        r.Out.ShouldContain("Timeline (from the logs the node left on its root, UTC):");
        r.Out.ShouldContain("  2026-03-03 14:02:02Z → 2026-03-03 14:22:00Z  syslog  ecs.service\n      restarted 120 times (120/h)");
        r.Out.ShouldContain("  2026-03-03 14:12:00Z  kernel  eth0\n      ENA device reset (TX queue paused)");

        var md = CliHarness.Run("scan", "--root", _root, "--format", "markdown");
        md.Out.ShouldContain("## Timeline");
        md.Out.ShouldContain("| 2026-03-03 14:12:00Z | kernel | `eth0` | ENA device reset (TX queue paused) |");
    }

    [Fact]
    public void Collect_writes_the_snapshot_and_prints_the_post_mortem_with_since_bounds()
    {
        var snapshotPath = Path.Combine(_root, "..", Path.GetFileName(_root) + "-snapshot.json");
        try
        {
            var r = CliHarness.Run("collect", "--root", _root, "--out", snapshotPath, "--format", "console", "--since", "2026-03-03T14:12:00Z");
            r.ExitCode.ShouldBe(0, r.Error);
            r.Out.ShouldContain("ecs.service: 61 restarts (61/h)");
            r.Out.ShouldContain("ENA eth0: 1 resets");
            using var doc = JsonDocument.Parse(File.ReadAllText(snapshotPath));
            var evidence = doc.RootElement.GetProperty("evidence");
            evidence.GetProperty("since").GetString().ShouldBe("2026-03-03T14:12:00+00:00");
            evidence.GetProperty("units")[0].GetProperty("restarts").GetInt64().ShouldBe(61);
            doc.RootElement.GetProperty("probes").GetProperty("ena").GetProperty("interfaces")[0].GetProperty("driverVersion").GetString().ShouldBe("2.11.0g");
        }
        finally { File.Delete(snapshotPath); }

        CliHarness.Run("collect", "--root", _root, "--since", "yesterday-ish").ExitCode.ShouldBe(2);
        CliHarness.Run("collect", "--root", _root, "--since", "2026-03-04T00:00:00Z", "--until", "2026-03-03T00:00:00Z").ExitCode.ShouldBe(2);
    }

    [Fact]
    public void Probe_loops_reads_a_journal_export_copied_off_a_node()
    {
        var export = Path.Combine(_root, "node.json");
        var lines = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var us = (Start.AddSeconds(10 * i + 10).ToUnixTimeMilliseconds() * 1000).ToString(CultureInfo.InvariantCulture);
            lines.Add(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["__REALTIME_TIMESTAMP"] = us, ["_PID"] = "1", ["SYSLOG_IDENTIFIER"] = "systemd", ["UNIT"] = "ecs.service",
                ["MESSAGE_ID"] = "5eb03494b6584870a536b337290809b3", ["N_RESTARTS"] = (i + 1).ToString(CultureInfo.InvariantCulture),
                ["MESSAGE"] = $"ecs.service: Scheduled restart job, restart counter is at {i + 1}.",
            }));
        }
        File.WriteAllLines(export, lines);
        var r = CliHarness.Run("probe", "loops", "--journal-export", export);
        r.ExitCode.ShouldBe(0, r.Error);
        r.Out.ShouldContain("ecs.service");
        r.Out.ShouldContain("/h");

        var json = CliHarness.Run("probe", "loops", "--journal-export", export, "--format", "json");
        using var doc = JsonDocument.Parse(json.Out);
        doc.RootElement.GetProperty("systemd").GetProperty("units")[0].GetProperty("restartsPerHour").GetDouble().ShouldBe(30);

        CliHarness.Run("probe", "loops", "--journal-export", Path.Combine(_root, "missing.json")).ExitCode.ShouldBe(3);
        CliHarness.Run("probe", "cpu", "--journal-export", export).ExitCode.ShouldBe(2);
        var dir = CliHarness.Run("probe", "loops", "--journal-dir", _root);
        dir.ExitCode.ShouldBe(0, dir.Error);
        dir.Out.ShouldContain("units: absent");
    }
}
