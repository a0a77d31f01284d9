using AmiAudit.Collectors.Evidence;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Tests.Evidence;

public class SystemLogEvidenceTests
{
    [Fact]
    public void A_crash_loop_over_rotated_and_gzipped_syslog_is_counted_once_per_restart()
    {
        using var root = DeadNodeRoot.Build(cycles: 360);
        var s = DeadNodeRoot.Collect(root);
        s.Diagnostics.ShouldNotContain(d => d.Code == "collector-failed", string.Join("; ", s.Diagnostics.Select(d => d.Message)));
        var e = s.Evidence.ShouldNotBeNull();

        var ecs = e.Units.Single(u => u.Name == "ecs.service");
        ecs.Restarts.ShouldBe(360);
        ecs.RestartCounter.ShouldBe(360);
        ecs.Failures.ShouldBe(360);
        ecs.ProcessExits.ShouldBe(360);
        ecs.Starts.ShouldBe(360); // "Started <Description>" mapped back through the unit file's Description=
        ecs.Stops.ShouldBe(360);
        ecs.LastExit.ShouldBe("code=exited, status=5/NOTINSTALLED");
        ecs.LastResult.ShouldBe("exit-code");
        ecs.First.ShouldBe(DeadNodeRoot.LoopStart);
        // 360 restarts from 14:02:10 to 15:02:00: 359 intervals of 10 s = 0.997 h.
        ecs.RestartsPerHour.ShouldBe(360);
        ecs.Sources.ShouldBe(["/var/log/syslog"]);

        // The ordinary facts policies and the diff read.
        var unit = s.Systemd.Units.Single(u => u.Name == "ecs.service");
        unit.RestartsPerHour.ShouldBe(360);
        unit.FailuresInWindow.ShouldBe(360);
        unit.NRestarts.ShouldBe(360);

        // ecs-init's own lines in syslog: the agent container was recreated on every start.
        var agent = e.Ecs.ShouldNotBeNull();
        agent.AgentStarts.ShouldBe(360);
        agent.ExitCodes["5"].ShouldBe(360);
        agent.TerminalExits.ShouldBe(360);
        var container = s.Containers.Single(c => c.Name == "ecs-agent");
        container.RecreatesInWindow.ShouldBe(360);
        container.OwnerUnit.ShouldBe("ecs.service");

        e.Sources.Select(x => (x.Path, x.Status)).ShouldBe(
        [
            ("/var/log/kern.log", "read"), ("/var/log/syslog", "read"), ("/var/log/syslog.1", "read"), ("/var/log/syslog.2.gz", "read"),
        ]);
        e.Sources.Single(x => x.Path == "/var/log/syslog.2.gz").Bytes.ShouldBeGreaterThan(new FileInfo(root.Host("/var/log/syslog.2.gz")).Length);
    }

    [Fact]
    public void Kernel_log_gives_ena_resets_oom_kills_and_lockups_with_times_and_fills_probes_ena()
    {
        using var root = DeadNodeRoot.Build(cycles: 3);
        var s = DeadNodeRoot.Collect(root);
        var k = s.Evidence.ShouldNotBeNull().Kernel.ShouldNotBeNull();
        k.EnaDriverVersion.ShouldBe("2.11.0g");
        var eth0 = k.Ena.ShouldHaveSingleItem();
        eth0.Resets.ShouldBe(2);
        eth0.ImpliedResets.ShouldBe(1);
        eth0.ResetCounters["wd_expired"].ShouldBe(0);
        k.OomKills.ShouldBe(1);
        k.SoftLockups.ShouldBe(1);
        var reset = k.Events.First(x => x.Kind == "ena-reset");
        reset.Time.ShouldBe(DeadNodeRoot.LoopStart.AddMinutes(31));
        reset.Subject.ShouldBe("eth0");
        k.Events.Single(x => x.Kind == "ena-implied-reset").Time.ShouldBe(DeadNodeRoot.LoopStart.AddMinutes(40));
        k.Events.Single(x => x.Kind == "oom-kill").ShouldSatisfyAllConditions(x => x.Subject.ShouldBe("java"), x => x.Source.ShouldBe("/var/log/kern.log:8"));

        var probe = s.Probes.ShouldNotBeNull().Ena.ShouldNotBeNull();
        probe.Status.ShouldBe("problem");
        probe.KernelLogSource.ShouldBe("root:/var/log/kern.log");
        probe.Interfaces.ShouldHaveSingleItem().Resets.ShouldBe(2);
    }

    [Fact]
    public void Since_and_until_bound_every_source()
    {
        using var root = DeadNodeRoot.Build(cycles: 360);
        var from = DeadNodeRoot.LoopStart.AddMinutes(30);
        var s = DeadNodeRoot.Collect(root, since: from, until: from.AddMinutes(10).AddSeconds(-1));
        var e = s.Evidence.ShouldNotBeNull();
        e.Since.ShouldBe(from);
        e.Units.Single(u => u.Name == "ecs.service").Restarts.ShouldBe(60);
        e.Ecs.ShouldNotBeNull().AgentStarts.ShouldBe(60);
        e.Kernel.ShouldNotBeNull().Ena.Single().Resets.ShouldBe(1); // the 14:42 threshold is outside
        e.Timeline.ShouldAllBe(t => t.Time >= from && t.Time < from.AddMinutes(10));
    }

    [Fact]
    public void Syslog_stamps_are_read_in_the_roots_time_zone()
    {
        using var root = DeadNodeRoot.Build(cycles: 2);
        root.Write("/etc/timezone", "America/New_York\n");
        var s = DeadNodeRoot.Collect(root);
        s.Evidence.ShouldNotBeNull().TimeZone.ShouldBe("America/New_York");
        s.Evidence!.Units.Single(u => u.Name == "ecs.service").First.ShouldBe(DeadNodeRoot.LoopStart.AddHours(5));
    }

    [Fact]
    public void A_gzip_bomb_stops_at_the_cap_with_a_diagnostic()
    {
        using var root = DeadNodeRoot.Build(cycles: 2);
        root.WriteBytes("/var/log/syslog.3.gz", DeadNodeRoot.Gzip(new string('A', 8 * 1024 * 1024)));
        var s = DeadNodeRoot.Collect(root, limits: new EvidenceLimits { MaxGzipBytes = 1024 * 1024 });
        var row = s.Evidence.ShouldNotBeNull().Sources.Single(x => x.Path == "/var/log/syslog.3.gz");
        row.Status.ShouldBe("capped");
        row.Bytes.ShouldBe(1024 * 1024);
        s.Diagnostics.ShouldContain(d => d.Code == "gzip-capped" && d.Path == "/var/log/syslog.3.gz");
        s.Evidence!.Units.Single(u => u.Name == "ecs.service").Restarts.ShouldBe(2);
    }

    [Fact]
    public void A_plain_log_over_the_cap_is_read_from_its_newest_bytes()
    {
        using var root = DeadNodeRoot.Build(cycles: 100);
        var size = new FileInfo(root.Host("/var/log/syslog")).Length;
        var s = DeadNodeRoot.Collect(root, limits: new EvidenceLimits { MaxBytesPerFile = size / 2 });
        var row = s.Evidence.ShouldNotBeNull().Sources.Single(x => x.Path == "/var/log/syslog");
        row.Status.ShouldBe("capped");
        s.Diagnostics.ShouldContain(d => d.Code == "size-capped" && d.Path == "/var/log/syslog");
        // The last cycle (newest) is still read.
        s.Evidence!.Units.Single(u => u.Name == "ecs.service").RestartCounter.ShouldBe(100);
    }

    [Fact]
    public void Links_out_of_the_root_and_fifos_are_never_read()
    {
        using var root = DeadNodeRoot.Build(cycles: 2);
        var outside = Path.Combine(Path.GetTempPath(), $"amiaudit-outside-{Guid.NewGuid():N}.log");
        File.WriteAllText(outside, "Mar  3 14:02:10 h systemd[1]: secret.service: Scheduled restart job, restart counter is at 99.\n");
        try
        {
            root.Symlink("/var/log/syslog.4", outside);           // absolute: re-rooted, so it names <root>/tmp/…, which does not exist
            root.Symlink("/var/log/syslog.5", "../../../../../../.." + outside);
            var fifo = root.Run("mkfifo", root.Host("/var/log/syslog.6"));
            var s = DeadNodeRoot.Collect(root);
            s.Evidence.ShouldNotBeNull().Units.ShouldNotContain(u => u.Name == "secret.service");
            if (fifo) s.Evidence!.Sources.ShouldNotContain(x => x.Path == "/var/log/syslog.6");
        }
        finally { File.Delete(outside); }
    }

    [Fact]
    public void The_timeline_tells_the_story_in_time_order_and_is_the_same_on_every_run()
    {
        using var root = DeadNodeRoot.Build(cycles: 360);
        var a = SnapshotJson.Serialize(DeadNodeRoot.Collect(root) with { Target = new TargetInfo() });
        var b = SnapshotJson.Serialize(DeadNodeRoot.Collect(root) with { Target = new TargetInfo() });
        a.ShouldBe(b);
        var t = DeadNodeRoot.Collect(root).Evidence!.Timeline;
        t.ShouldBe(t.OrderBy(x => x.Time).ToList());
        var loop = t.Single(x => x.Subject == "ecs.service");
        loop.Count.ShouldBe(360);
        loop.Event.ShouldStartWith("restarted 360 times (360/h); last exit code=exited, status=5/NOTINSTALLED");
        t.ShouldContain(x => x.Source == "kernel" && x.Subject == "eth0" && x.Event.StartsWith("ENA device reset", StringComparison.Ordinal));
        t.ShouldContain(x => x.Source == "kernel" && x.Event.Contains("implied", StringComparison.Ordinal));
        t.ShouldContain(x => x.Source == "ecs-init" && x.Event.StartsWith("agent container created 360 times", StringComparison.Ordinal));
    }

    [Fact]
    public void Wrapped_messages_and_line_numbers_survive_block_boundaries()
    {
        // 3 MiB of kernel noise with a wrapped ENA message every 100 lines: several 1 MiB block edges fall between the
        // two halves of one of them, and the line numbers of the events must still be right.
        using var root = new RootFs.TempRoot().Write("/etc/os-release", "ID=debian\n");
        var sb = new System.Text.StringBuilder();
        var n = 0;
        var line = 0;
        while (sb.Length < 3 * 1024 * 1024)
        {
            for (var i = 0; i < 98; i++, line++) sb.Append("Mar  3 14:02:00 ip-10-1-2-3 kernel: [ 8000.000000] IPv6: ADDRCONF(NETDEV_CHANGE): veth").Append(line).Append(": link becomes ready\n");
            sb.Append("Mar  3 14:02:00 ip-10-1-2-3 kernel: [ 8060.000000] ena 0000:20:03.0 eth0: TX q 5 is paused for too long (threshold 5000000). Time\n");
            sb.Append("since last napi 6596000 usec. napi scheduled: 1\n");
            line += 2;
            n++;
        }
        sb.Append("Mar  3 14:02:01 ip-10-1-2-3 kernel: Out of memory: Killed process 7 (java)\n");
        root.Write("/var/log/kern.log", sb.ToString());
        var s = DeadNodeRoot.Collect(root);
        var k = s.Evidence.ShouldNotBeNull().Kernel.ShouldNotBeNull();
        var eth0 = k.Ena.ShouldHaveSingleItem();
        eth0.TxTimeouts.ShouldBe(n);
        eth0.NapiStarvedEvents.ShouldBe(n); // every one joined: "Time" + "since last napi 6596000 usec"
        k.Events.Single(x => x.Kind == "oom-kill").Source.ShouldBe($"/var/log/kern.log:{line + 1}");
        s.Evidence!.Sources.Single().Lines.ShouldBe(line + 1);
    }

    [Fact]
    public void A_root_without_logs_has_no_evidence_section()
    {
        using var root = new RootFs.TempRoot().Write("/etc/os-release", "ID=debian\n");
        DeadNodeRoot.Collect(root).Evidence.ShouldBeNull();
    }
}
