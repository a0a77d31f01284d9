using AmiAudit.Collectors.Live;
using AmiAudit.Collectors.Live.Process;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Tests.Live;

/// <summary>Collector logic against scripted command output; the real-part test
/// (RealParts/NspawnLiveSystemdTests) runs the same collector against a booted systemd.</summary>
public sealed class LiveSystemdCollectorTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("amiaudit-live-");

    public void Dispose() => _root.Delete(recursive: true);

    private CollectionContext Context(TimeSpan window) => new()
    {
        Fs = new RootFileSystem(_root.FullName), Mode = CollectionMode.Live, Clock = new FixedClock(Now), Window = window,
    };

    private CommandTarget BootedTarget()
    {
        Directory.CreateDirectory(Path.Combine(_root.FullName, "run/systemd/system"));
        return CommandTarget.LocalWithFileRoot(_root.FullName);
    }

    private static Snapshot DiskSnapshot(params UnitFact[] units) => new() { Systemd = new SystemdFacts { Units = [.. units] } };

    [Fact]
    public void No_systemd_gives_one_unavailable_diagnostic_runs_nothing_and_changes_nothing_else()
    {
        var runner = new RecordingRunner();
        var before = DiskSnapshot(new UnitFact { Name = "ecs.service", UnitFileState = "enabled" });
        var after = new LiveSystemdCollector(CommandTarget.LocalWithFileRoot(_root.FullName), runner).Collect(Context(TimeSpan.Zero), before);

        var d = after.Diagnostics.ShouldHaveSingleItem();
        (d.Source, d.Level, d.Code).ShouldBe(("systemd-live", "unavailable", "unavailable"));
        runner.Requests.ShouldBeEmpty();
        (after with { Diagnostics = before.Diagnostics }).ShouldBe(before);
    }

    [Fact]
    public void A_fixture_host_root_never_reaches_the_real_bus()
    {
        // --host-root DIR means "the host's PID 1 via nsenter"; a tree without run/systemd/system stops before any command.
        var runner = new RecordingRunner();
        var ctx = new CollectionContext { Fs = new RootFileSystem(_root.FullName), Mode = CollectionMode.Live, HostRoot = _root.FullName, ProcessRunner = runner };
        var after = new LiveSystemdCollector().Collect(ctx, new Snapshot());
        after.Diagnostics.ShouldHaveSingleItem().Code.ShouldBe("unavailable");
        runner.Requests.ShouldBeEmpty();
    }

    [Fact]
    public void Systemctl_that_cannot_reach_the_bus_is_unavailable_not_a_failure()
    {
        var runner = new RecordingRunner().On("list-units", _ => new ProcessResult { ExitCode = 1, Stderr = "System has not been booted with systemd as init system (PID 1). Can't operate.\n" });
        var before = DiskSnapshot(new UnitFact { Name = "ecs.service" });
        var after = new LiveSystemdCollector(BootedTarget(), runner).Collect(Context(TimeSpan.Zero), before);
        var d = after.Diagnostics.ShouldHaveSingleItem();
        d.Level.ShouldBe("unavailable");
        d.Message.ShouldContain("System has not been booted");
        after.Systemd.ShouldBeSameAs(before.Systemd);
    }

    [Fact]
    public void Live_state_and_journal_rates_merge_into_disk_units_and_live_only_units_are_added()
    {
        var journal = string.Join('\n', Enumerable.Range(0, 12).SelectMany(i => new[]
        {
            $$"""{"MESSAGE_ID":"d9b373ed55a64feb8242e02dbe79a49c","UNIT":"ecs.service","UNIT_RESULT":"exit-code","__REALTIME_TIMESTAMP":"{{(Now.AddMinutes(-100 + i * 5).ToUnixTimeMilliseconds() * 1000)}}"}""",
            $$"""{"MESSAGE_ID":"5eb03494b6584870a536b337290809b3","UNIT":"ecs.service","N_RESTARTS":"{{51222 + i}}","__REALTIME_TIMESTAMP":"{{(Now.AddMinutes(-100 + i * 5).AddSeconds(10).ToUnixTimeMilliseconds() * 1000)}}"}""",
        }));
        var runner = new RecordingRunner()
            .On("list-units", "ecs.service loaded activating auto-restart ECS\n● run-user-0.mount loaded active mounted /run/user/0\nsystemd-logind.service loaded active running User Login Management\n")
            .On("show", """
                Id=systemd-logind.service
                Names=systemd-logind.service dbus-org.freedesktop.login1.service
                LoadState=loaded
                ActiveState=active
                SubState=running
                NRestarts=0

                Id=ecs.service
                Names=ecs.service
                LoadState=loaded
                ActiveState=activating
                SubState=auto-restart
                Result=exit-code
                ExecMainCode=1
                ExecMainStatus=5
                NRestarts=51234
                UnitFileState=enabled
                ActiveEnterTimestamp=Tue 2026-03-03 11:59:50 UTC

                Id=run-user-0.mount
                Names=run-user-0.mount
                LoadState=loaded
                ActiveState=active
                SubState=mounted
                Description=/run/user/0
                FragmentPath=

                Id=systemd-logind.service
                Names=systemd-logind.service dbus-org.freedesktop.login1.service
                LoadState=loaded
                ActiveState=active
                SubState=running
                NRestarts=0
                """)
            .On("journalctl", journal);
        var disk = DiskSnapshot(
            new UnitFact { Name = "ecs.service", UnitFileState = "enabled", FragmentPath = "/lib/systemd/system/ecs.service", Restart = "on-failure" },
            new UnitFact { Name = "dbus-org.freedesktop.login1.service", AliasOf = "systemd-logind.service", UnitFileState = "alias" },
            new UnitFact { Name = "getty@.service", UnitFileState = "static" });

        var after = new LiveSystemdCollector(BootedTarget(), runner).Collect(Context(TimeSpan.FromHours(2)), disk);

        after.Diagnostics.ShouldBeEmpty();
        var ecs = after.Systemd.Units.Single(u => u.Name == "ecs.service");
        (ecs.ActiveState, ecs.SubState, ecs.Result, ecs.NRestarts, ecs.ExecMainCode, ecs.ExecMainStatus).ShouldBe(("activating", "auto-restart", "exit-code", 51234L, 1, 5));
        ecs.ActiveEnterTimestamp.ShouldBe(new DateTimeOffset(2026, 3, 3, 11, 59, 50, TimeSpan.Zero));
        ecs.FragmentPath.ShouldBe("/lib/systemd/system/ecs.service"); // offline facts stay
        ecs.Restart.ShouldBe("on-failure");
        ecs.RestartsPerHour.ShouldBe(12 / 2.0); // 12 restarts in a 2 h window
        ecs.FailuresInWindow.ShouldBe(12);

        var alias = after.Systemd.Units.Single(u => u.Name == "dbus-org.freedesktop.login1.service");
        alias.ActiveState.ShouldBe("active");
        alias.RestartsPerHour.ShouldBe(0);

        var mount = after.Systemd.Units.Single(u => u.Name == "run-user-0.mount");
        (mount.Type, mount.SubState, mount.Description).ShouldBe(("mount", "mounted", "/run/user/0"));

        after.Systemd.Units.Single(u => u.Name == "getty@.service").ActiveState.ShouldBeNull();
        after.Systemd.Units.Select(u => u.Name).ShouldBe(after.Systemd.Units.Select(u => u.Name).Order(StringComparer.Ordinal));

        // One show for every name; the template (which would abort the whole batch) is not in it.
        var show = runner.Requests.Where(r => r.Arguments.Contains("show")).ShouldHaveSingleItem();
        show.Arguments.ShouldContain("ecs.service");
        show.Arguments.ShouldContain("run-user-0.mount");
        show.Arguments.ShouldNotContain("getty@.service");
        show.Environment["TZ"].ShouldBe("UTC");
        var jr = runner.Requests.Single(r => r.FileName == "journalctl");
        jr.Arguments.ShouldContain("--since=@" + Now.AddHours(-2).ToUnixTimeSeconds());
        jr.Arguments.ShouldContain("_PID=1");
    }

    [Fact]
    public void Show_is_batched_not_one_process_per_unit()
    {
        var names = Enumerable.Range(0, 600).Select(i => $"u{i:D3}.service").ToList();
        var runner = new RecordingRunner()
            .On("list-units", "")
            .On("show", r => new ProcessResult { ExitCode = 0, Stdout = string.Join("\n\n", r.Arguments.Where(a => a.EndsWith(".service", StringComparison.Ordinal)).Select(n => $"Id={n}\nActiveState=active")) })
            .On("journalctl", "");
        var after = new LiveSystemdCollector(BootedTarget(), runner).Collect(Context(TimeSpan.Zero), DiskSnapshot([.. names.Select(n => new UnitFact { Name = n })]));
        runner.Requests.Count(r => r.Arguments.Contains("show")).ShouldBe((600 + LiveSystemdCollector.ShowBatchSize - 1) / LiveSystemdCollector.ShowBatchSize);
        after.Systemd.Units.Count.ShouldBe(600);
        after.Systemd.Units.ShouldAllBe(u => u.ActiveState == "active" && u.RestartsPerHour == 0);
    }

    [Fact]
    public void Journal_failure_leaves_rates_unknown_but_keeps_live_state()
    {
        var runner = new RecordingRunner()
            .On("list-units", "a.service loaded failed failed A\n")
            .On("show", "Id=a.service\nActiveState=failed\nNRestarts=3\n")
            .On("journalctl", _ => new ProcessResult { TimedOut = true });
        var after = new LiveSystemdCollector(BootedTarget(), runner).Collect(Context(TimeSpan.Zero), new Snapshot());
        var a = after.Systemd.Units.ShouldHaveSingleItem();
        (a.ActiveState, a.NRestarts, a.RestartsPerHour, a.FailuresInWindow).ShouldBe(("failed", 3L, (double?)null, (long?)null));
        after.Diagnostics.ShouldHaveSingleItem().Code.ShouldBe("journal-unavailable");
    }

    [Fact]
    public void A_batch_systemctl_cut_short_is_reported()
    {
        var runner = new RecordingRunner()
            .On("list-units", "a.service loaded active running A\nb.service loaded active running B\n")
            .On("show", _ => new ProcessResult { ExitCode = 1, Stdout = "Id=a.service\nActiveState=active\n", Stderr = "Failed to get properties: Unit name b.service is not valid.\n" })
            .On("journalctl", "");
        var after = new LiveSystemdCollector(BootedTarget(), runner).Collect(Context(TimeSpan.Zero), new Snapshot());
        after.Systemd.Units.ShouldHaveSingleItem().Name.ShouldBe("a.service");
        after.Diagnostics.ShouldHaveSingleItem().Message.ShouldContain("1 of 2");
    }
}
