using AmiAudit.Collectors.Probes.Io;
using AmiAudit.Core.Health;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Probes.Memcg;

/// <summary>
/// Counts dying (zombie) memory cgroups. v1: /proc/cgroups memory num_cgroups (every cgroup of the
/// hierarchy not yet freed, dying included) minus the directories under the memory mount (the mount
/// point counts). v2: cgroup.stat nr_dying_subsys_memory when the kernel has it, else
/// nr_dying_descendants. The zombie count is O(1) in both; the v1 directory walk is O(live).
/// Never throws: anything unreadable becomes Status "unavailable" with a Detail saying what.
/// </summary>
public static class MemcgReader
{
    public static MemcgProbe Read(HostPaths host)
    {
        try
        {
            return ReadCore(host);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Unavailable($"memcg probe failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private static MemcgProbe ReadCore(HostPaths host)
    {
        var problems = new List<string>();
        CgroupsRow? memory = null;
        var cgroups = BoundedReader.ReadText(host.Resolve("proc/cgroups"), "proc/cgroups");
        if (cgroups.Ok)
        {
            var (rows, errors) = ProcCgroupsParser.Parse(cgroups.Text!);
            problems.AddRange(errors);
            memory = rows.FirstOrDefault(r => r.Subsys == "memory");
        }
        else problems.Add(cgroups.Error!);

        // v1 (or hybrid): the memory controller sits on a v1 hierarchy (id > 0).
        if (memory is { Hierarchy: > 0 })
        {
            if (!memory.Enabled) return new MemcgProbe { Status = "not-applicable", CgroupVersion = "v1", Detail = "memory controller disabled (cgroup_disable=memory)" };
            return ReadV1(host, memory, problems);
        }

        var statPath = host.Resolve("sys/fs/cgroup/cgroup.stat");
        if (File.Exists(statPath) || memory is { Hierarchy: 0 } || !cgroups.Ok)
        {
            var v2 = ReadV2(host, problems);
            if (v2 is not null) return v2;
        }
        return Unavailable(problems.Count > 0 ? string.Join("; ", problems) : "no memory controller in proc/cgroups and no sys/fs/cgroup/cgroup.stat");
    }

    private static MemcgProbe ReadV1(HostPaths host, CgroupsRow memory, List<string> problems)
    {
        var mount = FindV1Mount(host);
        if (mount is null)
            return Unavailable(Join(problems, "memory cgroup hierarchy not mounted (no sys/fs/cgroup/memory, none in proc/self/mountinfo)"), "v1", memory.NumCgroups);
        long live;
        try
        {
            live = CountDirectories(mount);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unavailable(Join(problems, BoundedReader.Describe(e, "the memory cgroup hierarchy")), "v1", memory.NumCgroups);
        }
        // A cgroup created between the two reads can make live > tracked for a moment: never negative.
        var dying = Math.Max(0, memory.NumCgroups - live);
        return new MemcgProbe
        {
            Status = MemcgThresholds.Classify(dying, live),
            CgroupVersion = "v1",
            Tracked = memory.NumCgroups,
            Live = live,
            Dying = dying,
            Detail = problems.Count > 0 ? string.Join("; ", problems) : null,
        };
    }

    private static MemcgProbe? ReadV2(HostPaths host, List<string> problems)
    {
        var stat = BoundedReader.ReadText(host.Resolve("sys/fs/cgroup/cgroup.stat"), "sys/fs/cgroup/cgroup.stat");
        if (!stat.Ok) { problems.Add(stat.Error!); return Unavailable(string.Join("; ", problems), "v2"); }
        var (values, errors) = CgroupStatParser.Parse(stat.Text!);
        problems.AddRange(errors);
        long? dying = values.TryGetValue("nr_dying_subsys_memory", out var dm) ? dm
            : values.TryGetValue("nr_dying_descendants", out var dd) ? dd : null;
        long? live = values.TryGetValue("nr_subsys_memory", out var lm) ? lm
            : values.TryGetValue("nr_descendants", out var ld) ? ld : null;
        if (dying is null || live is null)
            return Unavailable(Join(problems, "sys/fs/cgroup/cgroup.stat has no readable nr_dying_descendants/nr_descendants"), "v2");
        return new MemcgProbe
        {
            Status = MemcgThresholds.Classify(dying.Value, live.Value),
            CgroupVersion = "v2",
            Tracked = live + dying,
            Live = live,
            Dying = dying,
            // Garbled extra lines do not invalidate the keys that did parse; say so.
            Detail = problems.Count > 0 ? string.Join("; ", problems) : null,
        };
    }

    private static string? FindV1Mount(HostPaths host)
    {
        var conventional = host.Resolve("sys/fs/cgroup/memory");
        if (Directory.Exists(conventional)) return conventional;
        var mountinfo = BoundedReader.ReadText(host.Resolve("proc/self/mountinfo"), "proc/self/mountinfo");
        if (!mountinfo.Ok) return null;
        var point = MountInfoParser.FindCgroupV1Mount(mountinfo.Text!, "memory");
        if (point is null) return null;
        var rerooted = host.Reroot(point);
        return Directory.Exists(rerooted) ? rerooted : null;
    }

    /// <summary>Every directory under the mount point, the mount point included (moby#29638).</summary>
    internal static long CountDirectories(string mount)
    {
        // Probe the top first so "permission denied" on the root is an error, not a silent 1.
        using (Directory.EnumerateDirectories(mount).GetEnumerator()) { }
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
            ReturnSpecialDirectories = false,
        };
        long n = 1;
        foreach (var _ in Directory.EnumerateDirectories(mount, "*", options)) n++;
        return n;
    }

    private static string Join(List<string> problems, string last) => string.Join("; ", [.. problems, last]);

    private static MemcgProbe Unavailable(string detail, string? version = null, long? tracked = null) =>
        new() { Status = "unavailable", CgroupVersion = version, Tracked = tracked, Detail = detail };
}
