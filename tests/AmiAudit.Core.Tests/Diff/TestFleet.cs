using AmiAudit.Core.Model;

namespace AmiAudit.Core.Tests.Diff;

/// <summary>Synthetic fleets: identical nodes except for volatile fields, plus divergences a test injects.</summary>
public static class TestFleet
{
    public static Snapshot Node(int i, Func<Snapshot, Snapshot>? inject = null)
    {
        var s = new Snapshot
        {
            Target = new TargetInfo { Kind = "live", Hostname = $"node-{i}", InstanceId = $"i-{i:x12}", CollectedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(i) },
            Os = new OsInfo { Id = "ubuntu", VersionId = "22.04", Kernel = "6.8.0-1015-aws" },
            Systemd = new SystemdFacts
            {
                Units = [.. Enumerable.Range(0, 20).Select(u => new UnitFact
                {
                    Name = $"u{u:00}.service", UnitFileState = "enabled", StartsAtBoot = true, ActiveState = "active",
                    ActiveEnterTimestamp = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(-i * 17 - u),
                })],
            },
            Packages = new PackageFacts { Manager = "dpkg", Items = [.. Enumerable.Range(0, 30).Select(p => new PackageFact { Name = $"p{p:00}", Version = "1.0" })] },
        };
        return inject is null ? s : inject(s);
    }

    public static IEnumerable<Snapshot> Side(int count, Func<int, Snapshot, Snapshot>? inject = null) =>
        Enumerable.Range(0, count).Select(i => Node(i, s => inject is null ? s : inject(i, s)));

    public static Snapshot WithPackage(this Snapshot s, string name, string version) => s with
    {
        Packages = s.Packages with { Items = [.. s.Packages.Items.Select(p => p.Name == name ? p with { Version = version } : p)] },
    };

    public static Snapshot WithUnitState(this Snapshot s, string name, string state) => s with
    {
        Systemd = s.Systemd with { Units = [.. s.Systemd.Units.Select(u => u.Name == name ? u with { ActiveState = state } : u)] },
    };
}
