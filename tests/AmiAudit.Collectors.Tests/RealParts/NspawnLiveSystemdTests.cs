using AmiAudit.Collectors.Live;
using AmiAudit.Collectors.Live.Process;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Collectors.Tests.Live;
using AmiAudit.Core.Model;
using Xunit.Abstractions;

namespace AmiAudit.Collectors.Tests.RealParts;

/// <summary>The live systemd collector against a real systemd (systemd-nspawn -b) whose
/// crashloop.service restarts every second: NRestarts and the journal-derived rate must match
/// what systemd itself reports.</summary>
[Trait("Category", "RealParts")]
public sealed class NspawnLiveSystemdTests(NspawnSystemdFixture systemd, ITestOutputHelper output) : IClassFixture<NspawnSystemdFixture>
{
    private Snapshot Collect(Snapshot seed, TimeSpan window, TimeProvider? clock = null) =>
        new LiveSystemdCollector(CommandTarget.OfPid(systemd.Pid)).Collect(new CollectionContext
        {
            Fs = new RootFileSystem(systemd.Root), Mode = CollectionMode.Live, Window = window, Clock = clock ?? TimeProvider.System,
        }, seed);

    private void WaitForRestarts(long atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while (systemd.NRestarts() < atLeast && DateTime.UtcNow < deadline) Thread.Sleep(250);
    }

    [Fact]
    public void NRestarts_and_journal_restart_count_match_systemd()
    {
        WaitForRestarts(8); // ~10 s of crash loop
        var window = TimeSpan.FromMinutes(10); // reaches back past the boot: every restart is in it
        var seed = new Snapshot
        {
            Systemd = new SystemdFacts { Units = [new UnitFact { Name = NspawnSystemdFixture.Unit, Type = "service", Restart = "always", FragmentPath = "/etc/systemd/system/crashloop.service", UnitFileState = "enabled" }] },
        };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var snapshot = Collect(seed, window);
        var collectMs = watch.ElapsedMilliseconds;
        var truth = systemd.NRestarts();

        snapshot.Diagnostics.ShouldBeEmpty();
        var unit = snapshot.Systemd.Units.Single(u => u.Name == NspawnSystemdFixture.Unit);
        var journalRestarts = unit.RestartsPerHour!.Value * window.TotalHours;
        output.WriteLine($"boot {systemd.BootSeconds:0.0} s; collect {collectMs} ms over {snapshot.Systemd.Units.Count} units; NRestarts collector={unit.NRestarts} systemctl={truth}; journal restarts={journalRestarts:0.###} failures={unit.FailuresInWindow}; state {unit.ActiveState}/{unit.SubState} {unit.Result} code={unit.ExecMainCode} status={unit.ExecMainStatus}");

        Math.Abs(unit.NRestarts!.Value - truth).ShouldBeLessThanOrEqualTo(1);
        unit.NRestarts.Value.ShouldBeGreaterThanOrEqualTo(8);
        Math.Abs(journalRestarts - unit.NRestarts.Value).ShouldBeLessThanOrEqualTo(1.001);
        // Every scheduled restart follows a "Failed with result" for the run before it.
        (unit.FailuresInWindow!.Value - (long)Math.Round(journalRestarts)).ShouldBeInRange(0, 1);
        (unit.Result, unit.ExecMainCode, unit.ExecMainStatus).ShouldBe(("exit-code", 1, 1));
        unit.ActiveState.ShouldBeOneOf("activating", "active", "failed");
        unit.Restart.ShouldBe("always"); // offline fact kept through the merge

        // Live-only units were added, with live state from the same batched show.
        var journald = snapshot.Systemd.Units.Single(u => u.Name == "systemd-journald.service");
        (journald.ActiveState, journald.SubState, journald.NRestarts).ShouldBe(("active", "running", 0L));
        journald.ActiveEnterTimestamp!.Value.ShouldBeInRange(systemd.BootedAt.AddSeconds(-2), DateTimeOffset.UtcNow);
        snapshot.Systemd.Units.Count.ShouldBeGreaterThan(50);
    }

    [Fact]
    public void Journal_restarts_over_a_window_equal_NRestarts_growth_over_it()
    {
        WaitForRestarts(3);
        // Each NRestarts read takes ~0.1 s (nsenter + systemctl) and a restart may land inside it, so
        // bracket exactly: the inner window lies between the two reads (every restart in it is in
        // the growth), the outer window encloses both reads (every restart of the growth is in it).
        var outerStart = DateTimeOffset.UtcNow;
        var n0 = systemd.NRestarts();
        var innerStart = DateTimeOffset.UtcNow;
        Thread.Sleep(TimeSpan.FromSeconds(8));
        var innerEnd = DateTimeOffset.UtcNow;
        var n1 = systemd.NRestarts();
        var outerEnd = DateTimeOffset.UtcNow;

        double Restarts(DateTimeOffset from, DateTimeOffset to)
        {
            var unit = Collect(new Snapshot(), to - from, new FixedClock(to)).Systemd.Units.Single(u => u.Name == NspawnSystemdFixture.Unit);
            return Math.Round(unit.RestartsPerHour!.Value * (to - from).TotalHours, 2);
        }
        var inner = Restarts(innerStart, innerEnd);
        var outer = Restarts(outerStart, outerEnd);
        var growth = n1 - n0;
        output.WriteLine($"NRestarts {n0} → {n1} (+{growth}) in {(outerEnd - outerStart).TotalSeconds:0.00} s; journal restarts inner window {inner}, outer window {outer}");

        growth.ShouldBeGreaterThanOrEqualTo(3);
        inner.ShouldBeLessThanOrEqualTo(growth);
        outer.ShouldBeGreaterThanOrEqualTo(growth);
        (outer - inner).ShouldBeLessThanOrEqualTo(2); // at most one restart per read sliver
    }
}
