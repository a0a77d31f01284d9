using AmiAudit.Collectors.Live.Process;
using AmiAudit.Collectors.Probes.Cpu;
using AmiAudit.Collectors.Probes.Ena;
using AmiAudit.Collectors.Probes.Memcg;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Probes;

/// <summary>Zombie memory cgroups (live mode only). Never throws: failures become Status "unavailable".</summary>
public sealed class MemcgProbeCollector : ICollector
{
    public string Name => "probe-memcg";
    public int Order => 60;
    public bool AppliesTo(CollectionMode mode) => mode == CollectionMode.Live;

    public Snapshot Collect(CollectionContext context, Snapshot snapshot) =>
        snapshot with { Probes = (snapshot.Probes ?? new ProbeFacts()) with { Memcg = MemcgReader.Read(new HostPaths(context.HostRoot)) } };
}

/// <summary>ENA resets/timeouts from the kernel log and ethtool counters (live mode only).</summary>
public sealed class EnaProbeCollector : ICollector
{
    public string Name => "probe-ena";
    public int Order => 70;
    public bool AppliesTo(CollectionMode mode) => mode == CollectionMode.Live;

    public Snapshot Collect(CollectionContext context, Snapshot snapshot)
    {
        var options = new EnaProbeOptions
        {
            KernelLogFile = context.KernelLog,
            Runner = context.ProcessRunner ?? SystemProcessRunner.Instance,
        };
        return snapshot with { Probes = (snapshot.Probes ?? new ProbeFacts()) with { Ena = EnaReader.Read(new HostPaths(context.HostRoot), options) } };
    }
}

/// <summary>Per-core CPU over the collection window (live mode only; window 0 = not sampled).</summary>
public sealed class CpuProbeCollector : ICollector
{
    public string Name => "probe-cpu";
    public int Order => 80;
    public bool AppliesTo(CollectionMode mode) => mode == CollectionMode.Live;

    public Snapshot Collect(CollectionContext context, Snapshot snapshot)
    {
        var options = new CpuProbeOptions { Window = context.Window, Clock = context.Clock };
        return snapshot with { Probes = (snapshot.Probes ?? new ProbeFacts()) with { Cpu = CpuReader.Read(new HostPaths(context.HostRoot), options) } };
    }
}
