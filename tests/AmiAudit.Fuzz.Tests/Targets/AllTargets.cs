using AmiAudit.Fuzz.Engine;

namespace AmiAudit.Fuzz.Targets;

/// <summary>Every fuzz target, by name (the names scripts/fuzz.sh takes).</summary>
public static class AllTargets
{
    public static IReadOnlyList<FuzzTarget> List { get; } =
    [
        SystemdTargets.UnitFile, SystemdTargets.UnitTree, SystemdTargets.PresetPattern,
        ProbeTargets.KernelLog, ProbeTargets.ProcStat, ProbeTargets.Interrupts, ProbeTargets.Softirqs, ProbeTargets.TaskStat,
        ProbeTargets.ProcCgroups, ProbeTargets.CgroupStat, ProbeTargets.MountInfo, ProbeTargets.EthtoolStats,
        BootstrapTargets.CloudInitResult, BootstrapTargets.CloudInitStatus, BootstrapTargets.DockerConfig, BootstrapTargets.DockerHostConfig,
        BootstrapTargets.DockerDaemonJson, BootstrapTargets.UserData, BootstrapTargets.Urls, BootstrapTargets.OsRelease, BootstrapTargets.DpkgStatus,
        LiveTargets.SystemctlShow, LiveTargets.ListUnits, LiveTargets.Journal,
        CoreTargets.Snapshot, CoreTargets.Policy, CoreTargets.Waiver, CoreTargets.Config,
    ];

    public static FuzzTarget Get(string name) =>
        List.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"no fuzz target '{name}'; targets: {string.Join(", ", List.Select(t => t.Name))}");
}
