using AmiAudit.Core.Model;

namespace AmiAudit.Core.Tests.Diff;

/// <summary>
/// The spared-AZ incident (node-facts 0, 5.1–5.3) as node snapshots: a Deep Learning AMI (Ubuntu 20.04) whose
/// ecs.service Requires= a bootstrap.service; the bootstrap script downloads kubelet and ends with
/// <c>systemctl enable --now ecs</c>. In zone-b the two launch templates' kubelet URL differs by host and the
/// bootstrap fails before enabling ecs ("metric push failed"), so ecs never starts; in zone-a it succeeds, the
/// ECS agent crash-loops (recreated every 10 s) and the node fills with dying memcgs, a saturated core and ENA
/// resets. Volatile fields (hostname, instance id, container id, timestamps) differ per node on purpose.
/// The committed examples/incident/**.json are this class's output (see IncidentExampleTests).
/// </summary>
public static class IncidentFleet
{
    public const int NodesPerZone = 3;
    public const string KubeletUrlA = "https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet";
    public const string KubeletUrlB = "https://amazon-eks.s3.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet";
    public const string BootstrapScript = "/usr/local/bin/node-bootstrap.sh";
    private static readonly DateTimeOffset Collected = new(2026, 3, 12, 8, 0, 0, TimeSpan.Zero);

    public static IEnumerable<(string Path, Snapshot Snapshot)> All() =>
        from zone in new[] { 'a', 'b' }
        from i in Enumerable.Range(1, NodesPerZone)
        select ($"zone-{zone}/{Host(zone, i)}.json", Node(zone, i));

    public static IEnumerable<Snapshot> Zone(char zone) => Enumerable.Range(1, NodesPerZone).Select(i => Node(zone, i));

    public static string Host(char zone, int i) => $"ip-10-{(zone == 'a' ? 1 : 2)}-{16 * i}-{40 + 7 * i}";

    // The overrides build the "failure without downstream effect" and "normal probes" fleets.
    public static Snapshot Node(char zone, int i, bool? bootstrapFails = null, bool? agentLoops = null, bool? sick = null)
    {
        var a = zone == 'a';
        var fails = bootstrapFails ?? !a;
        var loops = agentLoops ?? !fails;
        var isSick = sick ?? loops;
        var at = Collected.AddMinutes(3 * i + (a ? 0 : 1));
        var booted = at.AddDays(-9).AddHours(-i);
        return new Snapshot
        {
            Target = new TargetInfo
            {
                Kind = "live",
                Hostname = Host(zone, i),
                InstanceId = $"i-0{(a ? "a" : "b")}{i}f3c9e{i * 7919:x5}",
                ImageId = "ami-0dl20042026deadbe",
                AvailabilityZone = a ? "us-east-1a" : "us-east-1b",
                CollectedAt = at,
                AmiauditVersion = "0.1.0",
                Labels = new(StringComparer.Ordinal) { ["nodegroup"] = "gpu-training", ["zone"] = a ? "us-east-1a" : "us-east-1b" },
            },
            Os = new OsInfo { Id = "ubuntu", VersionId = "20.04", PrettyName = "Ubuntu 20.04.6 LTS", Kernel = "5.15.0-1051-aws" },
            Systemd = new SystemdFacts { DefaultTarget = "graphical.target", Units = Units(fails, loops, booted, at) },
            Containers = loops ? [EcsAgent(i, at)] : [],
            Bootstrap = Bootstrap(a),
            Binaries =
            [
                new BinaryFact { Path = "/usr/bin/kubelet", Role = "kubelet", Exists = true, Size = 111_759_360, Sha256 = "5f6c4ab2a4a1b1d3b3e0c8d0b36a1e9cf2b0f0b1fd8f4f8a2e93c1a7c0d6e8b1" },
                new BinaryFact { Path = "/usr/libexec/amazon-ecs-init", Role = "ecs-init", Exists = true, Size = 14_327_808, Sha256 = "0b9e1f2d4c6a8e0f1a3c5e7091b3d5f7a9c1e3f5071a2b4c6d8e0f1a3b5c7d9e" },
            ],
            Packages = new PackageFacts
            {
                Manager = "dpkg",
                Items =
                [
                    Pkg("amazon-ecs-init", "1.68.2-1"), Pkg("cloud-init", "23.3.3-0ubuntu0~20.04.1"), Pkg("containerd", "1.7.2-0ubuntu1~20.04.1"),
                    Pkg("docker.io", "24.0.5-0ubuntu1~20.04.1"), Pkg("linux-image-5.15.0-1051-aws", "5.15.0-1051.56~20.04.1"), Pkg("systemd", "245.4-4ubuntu3.22"),
                ],
            },
            Probes = Probes(isSick, i),
        };
    }

    private static PackageFact Pkg(string name, string version) => new() { Name = name, Version = version, Architecture = "amd64" };

    private static List<UnitFact> Units(bool bootstrapFails, bool agentLoops, DateTimeOffset booted, DateTimeOffset at)
    {
        var ecsRunning = !bootstrapFails;
        return
        [
            new UnitFact
            {
                Name = "bootstrap.service", Type = "service", FragmentPath = "/etc/systemd/system/bootstrap.service", UnitFileState = "enabled",
                Description = "Node bootstrap (download kubelet, join cluster, enable agents)", WantedBy = ["multi-user.target"],
                Wants = ["network-online.target"], After = ["network-online.target"], ExecStart = [BootstrapScript],
                StartsAtBoot = true, BootPath = ["graphical.target", "multi-user.target", "bootstrap.service"],
                LoadState = "loaded", ActiveState = bootstrapFails ? "failed" : "active", SubState = bootstrapFails ? "failed" : "exited",
                Result = bootstrapFails ? "exit-code" : "success", ExecMainCode = 1, ExecMainStatus = bootstrapFails ? 1 : 0,
                ActiveEnterTimestamp = bootstrapFails ? null : booted.AddSeconds(41), NRestarts = 0,
                FailureMessage = bootstrapFails ? "metric push failed" : null,
            },
            new UnitFact
            {
                Name = "docker.service", Type = "service", FragmentPath = "/lib/systemd/system/docker.service", UnitFileState = "enabled",
                WantedBy = ["multi-user.target"], Requires = ["docker.socket"], Wants = ["network-online.target"], After = ["containerd.service", "docker.socket", "network-online.target"],
                ExecStart = ["/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock"], Restart = "always",
                StartsAtBoot = true, BootPath = ["graphical.target", "multi-user.target", "docker.service"],
                LoadState = "loaded", ActiveState = "active", SubState = "running", Result = "success", ActiveEnterTimestamp = booted.AddSeconds(12), NRestarts = 0, RestartsPerHour = 0,
            },
            new UnitFact
            {
                // Verbatim generic-deb ecs.service (node-facts 5.1) plus the DLAMI's dependency on the bootstrap unit.
                Name = "ecs.service", Type = "service", FragmentPath = "/lib/systemd/system/ecs.service", UnitFileState = "enabled", Preset = "enable",
                Description = "Amazon Elastic Container Service - container agent", WantedBy = ["multi-user.target"],
                Requires = ["bootstrap.service", "docker.service"], After = ["bootstrap.service", "docker.service"],
                ExecStartPre = ["/usr/libexec/amazon-ecs-init pre-start"], ExecStart = ["/usr/libexec/amazon-ecs-init start"],
                Restart = "on-failure", RestartSec = "10s", EnvironmentFiles = ["-/etc/ecs/ecs.config", "-/var/lib/ecs/ecs.config"],
                StartsAtBoot = true, BootPath = ["graphical.target", "multi-user.target", "ecs.service"],
                LoadState = "loaded", ActiveState = ecsRunning ? "active" : "inactive", SubState = ecsRunning ? "running" : "dead", Result = "success",
                ActiveEnterTimestamp = ecsRunning ? booted.AddSeconds(44) : null, ExecMainStatus = 0,
                // ecs-init's loop lives inside one invocation: systemd sees no restarts (node-facts 5.2).
                NRestarts = 0, RestartsPerHour = 0, FailuresInWindow = 0,
            },
            new UnitFact
            {
                Name = "kubelet.service", Type = "service", FragmentPath = "/etc/systemd/system/kubelet.service", UnitFileState = "enabled",
                WantedBy = ["multi-user.target"], Wants = ["containerd.service"], After = ["containerd.service"], ExecStart = ["/usr/bin/kubelet $KUBELET_ARGS"],
                Restart = "on-failure", RestartSec = "5", StartsAtBoot = true, BootPath = ["graphical.target", "multi-user.target", "kubelet.service"],
                LoadState = "loaded", ActiveState = "active", SubState = "running", Result = "success", ActiveEnterTimestamp = booted.AddSeconds(39), NRestarts = 0, RestartsPerHour = 0,
            },
            new UnitFact
            {
                Name = "ssh.service", Type = "service", FragmentPath = "/lib/systemd/system/ssh.service", UnitFileState = "enabled", WantedBy = ["multi-user.target"],
                After = ["network.target"], ExecStart = ["/usr/sbin/sshd -D $SSHD_OPTS"], StartsAtBoot = true, BootPath = ["graphical.target", "multi-user.target", "ssh.service"],
                LoadState = "loaded", ActiveState = "active", SubState = "running", Result = "success", ActiveEnterTimestamp = booted.AddSeconds(9), NRestarts = 0, RestartsPerHour = 0,
            },
        ];
    }

    private static ContainerFact EcsAgent(int i, DateTimeOffset at) => new()
    {
        Name = "ecs-agent",
        Id = $"c6fdfc7609{i:x2}{(i * 104729):x8}",
        Image = "amazon/amazon-ecs-agent:latest",
        RestartPolicy = "no",
        State = "running",
        ExitCode = 0,
        RestartCount = 0,
        Created = at.AddSeconds(-11),
        StartedAt = at.AddSeconds(-10),
        // Recreated every ~10 s by ecs-init (exit 1, backoff capped at 15 s): 360 per hour, 30 in a 5-minute window.
        RestartsPerHour = 360,
        RecreatesInWindow = 30,
        OwnerUnit = "ecs.service",
    };

    private static BootstrapFacts Bootstrap(bool zoneA)
    {
        var kubelet = zoneA ? KubeletUrlA : KubeletUrlB;
        var uri = new Uri(kubelet);
        return new BootstrapFacts
        {
            Scripts =
            [
                new ScriptFact
                {
                    Path = BootstrapScript, Kind = "unit-exec", Size = zoneA ? 912 : 903,
                    Sha256 = zoneA ? "9a1c4e0f7d2b8e6a3c5f1d9b7e2a4c6f8d0b1e3a5c7f9d2b4e6a8c0f1d3b5e7a" : "3e5a7c9f1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a",
                    ReferencedBy = ["bootstrap.service"], StartsUnits = ["ecs.service", "kubelet.service"],
                },
            ],
            Urls =
            [
                new UrlFact
                {
                    Normalized = kubelet, Redacted = kubelet + "?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED", Scheme = "https", Host = uri.Host, Path = uri.AbsolutePath,
                    Purpose = "kubelet", S3Bucket = "amazon-eks", S3Key = "1.29.3/2024-04-19/bin/linux/amd64/kubelet", Source = BootstrapScript, Line = 5,
                },
                new UrlFact
                {
                    Normalized = "https://metrics.gpu-training.internal/v1/push", Redacted = "https://metrics.gpu-training.internal/v1/push", Scheme = "https",
                    Host = "metrics.gpu-training.internal", Path = "/v1/push", Purpose = "other", Source = BootstrapScript, Line = 11,
                },
            ],
            CloudInit = new CloudInitOutcome { Status = "done", Datasource = "DataSourceEc2Local", Source = "/run/cloud-init/result.json" },
        };
    }

    private static ProbeFacts Probes(bool sick, int i)
    {
        const int cores = 48;
        var coreReadings = Enumerable.Range(0, cores).Select(c => sick && c == 39
            ? new CoreReading
            {
                Cpu = 39, Usr = 1.2, Sys = 71.5, Soft = 4.1, Idle = 23.2, Nice = 0, Iowait = 0, Irq = 0, Steal = 0, SaturatedSeconds = 7,
                TopProcesses = [new ProcessShare { Pid = 2817, Comm = "kubelet", Percent = 92 }, new ProcessShare { Pid = 1203, Comm = "dockerd", Percent = 4.1 }],
            }
            : new CoreReading { Cpu = c, Usr = 6.0 + c % 5, Sys = 2.0 + c % 3, Soft = 0.3, Idle = 91.7 - c % 5 - c % 3, Nice = 0, Iowait = 0, Irq = 0, Steal = 0, SaturatedSeconds = 0 }).ToList();
        return new ProbeFacts
        {
            Memcg = sick
                ? new MemcgProbe { Status = "problem", CgroupVersion = "v1", Tracked = 68_680, Live = 240, Dying = 68_440 }
                : new MemcgProbe { Status = "ok", CgroupVersion = "v1", Tracked = 400 + 9 * i, Live = 240, Dying = 160 + 9 * i },
            Cpu = new CpuProbe { Status = sick ? "problem" : "ok", WindowSeconds = 10, Cores = coreReadings },
            Ena = new EnaProbe
            {
                Status = sick ? "problem" : "ok",
                Interfaces =
                [
                    new EnaInterface
                    {
                        Name = "eth0", PciAddress = "0000:00:05.0", DriverVersion = "2.11.0g", Resets = sick ? 12 : 0, MissingTxCompletions = sick ? 12 : 0,
                        Reasons = sick ? ["missing Tx completions"] : [],
                        Counters = new(StringComparer.Ordinal) { ["total_resets"] = sick ? 12 : 0, ["pps_allowance_exceeded"] = 0, ["bw_out_allowance_exceeded"] = 0 },
                    },
                ],
            },
        };
    }
}
