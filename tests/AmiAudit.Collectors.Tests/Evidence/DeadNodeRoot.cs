using System.Globalization;
using System.IO.Compression;
using System.Text;
using AmiAudit.Collectors.Evidence;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Collectors.Tests.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Tests.Evidence;

/// <summary>
/// A dead node's root as the SRE attaches it: ecs.service crash-looping every 10 s (node-facts T-ECS-04 shapes:
/// logfmt ecs-init lines, PID 1's exit/failure/restart lines, "Started &lt;Description&gt;"), spread over
/// <c>syslog.2.gz</c>, <c>syslog.1</c> and <c>syslog</c> the way logrotate leaves them, plus a kern.log with ENA
/// resets. Composed from the cited formats; times are UTC (the root has no /etc/timezone unless a test adds one).
/// </summary>
internal static class DeadNodeRoot
{
    public static readonly DateTimeOffset LoopStart = new(2026, 3, 3, 14, 2, 0, TimeSpan.Zero);
    public const string EcsDescription = "Amazon Elastic Container Service - container agent";

    /// <summary>rsyslog's traditional stamp: "Mar  3 14:02:00" (day padded to two columns, no year).</summary>
    public static string Stamp(DateTimeOffset t) =>
        string.Create(CultureInfo.InvariantCulture, $"{t:MMM} {t.Day,2} {t:HH:mm:ss}");

    /// <summary>Syslog lines of <paramref name="cycles"/> ecs.service crash cycles, 10 s apart.</summary>
    public static List<string> EcsLoop(int cycles, int counterStart = 1)
    {
        var lines = new List<string>();
        for (var i = 0; i < cycles; i++)
        {
            var t = LoopStart.AddSeconds(10 * i);
            string S(int s) => Stamp(t.AddSeconds(s));
            string Iso(int s) => t.AddSeconds(s).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            lines.Add($"{S(0)} ip-10-1-2-3 systemd[1]: Started {EcsDescription}.");
            lines.Add($"{S(1)} ip-10-1-2-3 amazon-ecs-init[{1842 + i}]: level=info time={Iso(1)} msg=\"Starting Amazon Elastic Container Service Agent\"");
            lines.Add($"{S(2)} ip-10-1-2-3 amazon-ecs-init[{1842 + i}]: level=info time={Iso(2)} msg=\"Agent exited with code 5\"");
            lines.Add($"{S(2)} ip-10-1-2-3 amazon-ecs-init[{1842 + i}]: level=error time={Iso(2)} msg=\"agent exited with terminal exit code: 5\"");
            lines.Add($"{S(2)} ip-10-1-2-3 systemd[1]: ecs.service: Main process exited, code=exited, status=5/NOTINSTALLED");
            lines.Add($"{S(2)} ip-10-1-2-3 systemd[1]: ecs.service: Failed with result 'exit-code'.");
            lines.Add($"{S(9)} ip-10-1-2-3 CRON[{900 + i}]: (root) CMD (test -x /usr/sbin/anacron)");
            lines.Add($"{S(10)} ip-10-1-2-3 systemd[1]: ecs.service: Scheduled restart job, restart counter is at {counterStart + i}.");
            lines.Add($"{S(10)} ip-10-1-2-3 systemd[1]: Stopped {EcsDescription}.");
        }
        return lines;
    }

    public static byte[] Gzip(string text)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(Encoding.UTF8.GetBytes(text));
        return ms.ToArray();
    }

    public const string EcsUnit = $"""
        [Unit]
        Description={EcsDescription}
        Requires=docker.service
        After=docker.service

        [Service]
        Restart=on-failure
        RestartSec=10s
        ExecStart=/usr/libexec/amazon-ecs-init start

        [Install]
        WantedBy=multi-user.target
        """;

    /// <summary>360 cycles (one hour) split 120/120/120 over syslog.2.gz, syslog.1 and syslog, and kern.log with two ENA resets.</summary>
    public static TempRoot Build(int cycles = 360)
    {
        var root = new TempRoot()
            .Write("/etc/os-release", "ID=ubuntu\nVERSION_ID=\"20.04\"\n")
            .Write("/lib/systemd/system/ecs.service", EcsUnit)
            .Symlink("/etc/systemd/system/multi-user.target.wants/ecs.service", "/lib/systemd/system/ecs.service");
        var lines = EcsLoop(cycles);
        var third = lines.Count / 3;
        root.WriteBytes("/var/log/syslog.2.gz", Gzip(string.Join('\n', lines.Take(third)) + "\n"));
        root.Write("/var/log/syslog.1", string.Join('\n', lines.Skip(third).Take(third)) + "\n");
        root.Write("/var/log/syslog", string.Join('\n', lines.Skip(2 * third)) + "\n");
        var k = LoopStart.AddMinutes(30);
        root.Write("/var/log/kern.log", string.Join('\n',
            $"{Stamp(k)} ip-10-1-2-3 kernel: [ 8000.000000] ena: Elastic Network Adapter (ENA) v2.11.0g",
            $"{Stamp(k.AddSeconds(60))} ip-10-1-2-3 kernel: [ 8060.000000] ena 0000:20:03.0 eth0: TX q 5 is paused for too long (threshold 5000000). Time since last napi 6596000 usec. napi scheduled: 1",
            $"{Stamp(k.AddSeconds(60))} ip-10-1-2-3 kernel: [ 8060.000100] ena 0000:20:03.0 eth0: napi handler hasn't been called for a long time but is scheduled",
            $"{Stamp(k.AddSeconds(60))} ip-10-1-2-3 kernel: [ 8060.000200] ena 0000:20:03.0 eth0: Trigger reset is on",
            $"{Stamp(k.AddSeconds(60))} ip-10-1-2-3 kernel: [ 8060.000300] ena 0000:20:03.0 eth0: wd_expired: 0",
            $"{Stamp(k.AddSeconds(61))} ip-10-1-2-3 kernel: [ 8061.000000] ena 0000:20:03.0: Device reset completed successfully, Driver info: Elastic Network Adapter (ENA) v2.11.0g",
            $"{Stamp(k.AddSeconds(600))} ip-10-1-2-3 kernel: [ 8600.000000] ena 0000:20:03.0 eth0: The number of lost tx completions is above the threshold (300 > 128). Reset the device",
            $"{Stamp(k.AddSeconds(700))} ip-10-1-2-3 kernel: [ 8700.000000] Out of memory: Killed process 4242 (java) total-vm:8388608kB, anon-rss:4194304kB, file-rss:0kB",
            $"{Stamp(k.AddSeconds(800))} ip-10-1-2-3 kernel: [ 8800.000000] watchdog: BUG: soft lockup - CPU#3 stuck for 23s! [kworker/3:1:1234]") + "\n");
        var modified = LoopStart.AddDays(1).UtcDateTime;
        foreach (var f in new[] { "/var/log/syslog.2.gz", "/var/log/syslog.1", "/var/log/syslog", "/var/log/kern.log" })
            File.SetLastWriteTimeUtc(root.Host(f), modified);
        return root;
    }

    public static Snapshot Collect(TempRoot root, DateTimeOffset? since = null, DateTimeOffset? until = null, EvidenceLimits? limits = null,
        AmiAudit.Collectors.Live.Process.IProcessRunner? runner = null) =>
        SnapshotCollector.Collect(new CollectionContext
        {
            Fs = new RootFileSystem(root.Dir),
            Since = since,
            Until = until,
            EvidenceLimits = limits,
            ProcessRunner = runner ?? new Live.RecordingRunner(),
        });
}
