using AmiAudit.Core.Model;

namespace FleetGen;

/// <summary>
/// <c>FleetGen --units OUT U</c>: one snapshot per side (OUT/a/node.json, OUT/b/node.json), each with U units — the
/// shape of issue 8's "diff is quadratic in units" (a huge image, or two very different ones). Every unit Requires=
/// and is After= the one before it (a dependency chain the causal explainer walks), runs a binary of its own and
/// has a drop-in. On side b the chain's root runs another binary and fails, and everything that Requires= it fails
/// with it (the case: one causal path through every unit); on top of that 5 % run another ExecStart, 3 % are
/// disabled, 1 % are missing and 1 % extra. The divergences, the causal graph and its longest path all grow
/// linearly with U, so any per-step cost that scans the whole graph shows up as U².
/// </summary>
internal static class UnitsProgram
{
    public static int Write(string outDir, int units)
    {
        foreach (var side in new[] { "a", "b" })
        {
            var dir = Path.Combine(outDir, side);
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "node.json"), SnapshotJson.Serialize(Node(side == "b", units)));
        }
        return 0;
    }

    private static string Name(int u) => $"unit-{u:D6}.service";

    private static Snapshot Node(bool sideB, int count)
    {
        var at = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var list = new List<UnitFact>(count + count / 100);
        for (var u = 0; u < count; u++)
        {
            if (sideB && u % 100 == 50) continue; // missing on b
            var cascade = sideB;
            var failed = cascade;
            var exec = (sideB && u % 20 == 7) || (cascade && u == 0) ? $"/opt/new/bin/svc-{u} --serve" : $"/usr/bin/svc-{u} --serve";
            list.Add(new UnitFact
            {
                Name = Name(u), Type = "service", FragmentPath = $"/lib/systemd/system/{Name(u)}",
                UnitFileState = sideB && u % 33 == 5 ? "disabled" : "enabled",
                WantedBy = ["multi-user.target"],
                Requires = u > 0 ? [Name(u - 1)] : [],
                After = u > 0 ? [Name(u - 1), "network.target"] : ["network.target"],
                DropIns = [$"/etc/systemd/system/{Name(u)}.d/10-env.conf"],
                ExecStart = [exec],
                ExecStartPre = [$"/usr/libexec/svc-{u}-prepare"],
                StartsAtBoot = !(sideB && u % 33 == 5),
                BootPath = ["multi-user.target", Name(u)],
                LoadState = "loaded",
                ActiveState = failed ? "failed" : "active",
                SubState = failed ? "failed" : "running",
                Result = failed ? "exit-code" : "success",
                ExecMainStatus = failed ? 1 : 0,
                ActiveEnterTimestamp = at.AddSeconds(-1000 - u),
                NRestarts = failed ? 5 : 0,
                RestartsPerHour = failed ? 12 : 0,
            });
        }
        if (sideB)
        {
            for (var e = 0; e < count / 100; e++)
                list.Add(new UnitFact { Name = $"extra-{e:D6}.service", Type = "service", UnitFileState = "enabled", StartsAtBoot = true, ActiveState = "active", ExecStart = [$"/usr/bin/extra-{e}"] });
        }
        return new Snapshot
        {
            Target = new TargetInfo { Kind = "live", Hostname = sideB ? "node-b" : "node-a", ImageId = "ami-0units", CollectedAt = at },
            Os = new OsInfo { Id = "ubuntu", VersionId = "22.04", Kernel = "6.5.0-1017-aws" },
            Systemd = new SystemdFacts { DefaultTarget = "multi-user.target", Units = list },
        };
    }
}
