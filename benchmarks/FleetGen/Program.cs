using AmiAudit.Core.Model;

namespace FleetGen;

/// <summary>
/// Writes two sides of a synthetic fleet for the diff benchmark: <c>FleetGen OUT N [SEED]</c> → OUT/a/*.json and
/// OUT/b/*.json, N snapshots each, sized like a real node (≈90 units, 450 packages, 48 cores of probe readings).
/// Side b carries injected divergences: one consistent (a package version on every node), one partial (a failed
/// unit on 30 %), and noise on both sides (a package with a random version per node). Deterministic per seed.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length >= 3 && args[0] == "--units" && int.TryParse(args[2], out var units) && units > 0)
            return UnitsProgram.Write(args[1], units);
        if (args.Length < 2 || !int.TryParse(args[1], out var n) || n <= 0)
        {
            Console.Error.WriteLine("usage: FleetGen OUT_DIR NODES_PER_SIDE [SEED]\n       FleetGen --units OUT_DIR UNITS_PER_SNAPSHOT");
            return 2;
        }
        var seed = args.Length > 2 && int.TryParse(args[2], out var s) ? s : 42;
        foreach (var side in new[] { "a", "b" })
        {
            var dir = Path.Combine(args[0], side);
            Directory.CreateDirectory(dir);
            Parallel.For(0, n, i =>
            {
                var nodeRng = new Random(HashCode.Combine(seed, side, i));
                File.WriteAllText(Path.Combine(dir, $"node-{i:D5}.json"), SnapshotJson.Serialize(Node(side == "b", i, nodeRng)));
            });
        }
        return 0;
    }

    private static readonly string[] NoiseVersions = ["2.1-1", "2.1-2", "2.1-3"];

    private static Snapshot Node(bool sideB, int i, Random rng)
    {
        var at = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(i * 7);
        var failed = sideB && i % 10 < 3;
        return new Snapshot
        {
            Target = new TargetInfo { Kind = "live", Hostname = $"ip-10-{(sideB ? 2 : 1)}-{i / 250}-{i % 250}", InstanceId = $"i-{rng.NextInt64():x16}", ImageId = "ami-0bench", AvailabilityZone = sideB ? "us-east-1b" : "us-east-1a", CollectedAt = at },
            Os = new OsInfo { Id = "ubuntu", VersionId = "20.04", PrettyName = "Ubuntu 20.04.6 LTS", Kernel = "5.15.0-1051-aws" },
            Systemd = new SystemdFacts
            {
                DefaultTarget = "multi-user.target",
                Units = [.. Enumerable.Range(0, 90).Select(u => new UnitFact
                {
                    Name = $"svc-{u:D2}.service", Type = "service", FragmentPath = $"/lib/systemd/system/svc-{u:D2}.service", UnitFileState = u % 7 == 0 ? "static" : "enabled",
                    WantedBy = ["multi-user.target"], Requires = u > 0 && u % 5 == 0 ? [$"svc-{u - 1:D2}.service"] : [], After = ["network.target"],
                    ExecStart = [$"/usr/bin/svc-{u:D2} --serve"], StartsAtBoot = u % 7 != 0, LoadState = "loaded",
                    ActiveState = failed && u == 17 ? "failed" : "active", SubState = "running", Result = failed && u == 17 ? "exit-code" : "success",
                    ActiveEnterTimestamp = at.AddSeconds(-rng.Next(1000, 900000)), NRestarts = rng.Next(0, 2), RestartsPerHour = 0,
                })],
            },
            Containers = [.. Enumerable.Range(0, 4).Select(c => new ContainerFact { Name = $"app-{c}", Id = $"{rng.NextInt64():x16}", Image = $"registry.example/app-{c}:1.4", RestartPolicy = "always", State = "running", RestartsPerHour = 0 })],
            Bootstrap = new BootstrapFacts
            {
                Scripts = [new ScriptFact { Path = "/usr/local/bin/node-bootstrap.sh", Kind = "unit-exec", Sha256 = "ab12", Size = 900, ReferencedBy = ["bootstrap.service"], StartsUnits = ["kubelet.service"] }],
                Urls = [new UrlFact { Normalized = "https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet", Purpose = "kubelet", Source = "/usr/local/bin/node-bootstrap.sh", Line = 5 }],
                CloudInit = new CloudInitOutcome { Status = "done" },
            },
            Binaries = [new BinaryFact { Path = "/usr/bin/kubelet", Role = "kubelet", Exists = true, Sha256 = "5f6c" }],
            Packages = new PackageFacts
            {
                Manager = "dpkg",
                Items = [.. Enumerable.Range(0, 450).Select(p => new PackageFact
                {
                    Name = $"pkg-{p:D3}",
                    Version = p == 42 && sideB ? "9.9-1" : p == 99 ? NoiseVersions[rng.Next(NoiseVersions.Length)] : "1.0-1",
                    Architecture = "amd64",
                })],
            },
            Probes = new ProbeFacts
            {
                Memcg = new MemcgProbe { Status = "ok", CgroupVersion = "v1", Tracked = 300 + rng.Next(50), Live = 240, Dying = 60 + rng.Next(50) },
                Cpu = new CpuProbe { Status = "ok", WindowSeconds = 10, Cores = [.. Enumerable.Range(0, 48).Select(c => new CoreReading { Cpu = c, Usr = rng.Next(1, 20), Sys = rng.Next(1, 5), Idle = 80 })] },
                Ena = new EnaProbe { Status = "ok", Interfaces = [new EnaInterface { Name = "eth0", DriverVersion = "2.11.0g" }] },
            },
        };
    }
}
