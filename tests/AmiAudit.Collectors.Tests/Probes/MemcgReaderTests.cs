using AmiAudit.Collectors.Probes;
using AmiAudit.Collectors.Probes.Memcg;

namespace AmiAudit.Collectors.Tests.Probes;

public class MemcgReaderTests
{
    private const string V1Cgroups = "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t3\t12\t1\ncpu\t1\t80\t1\nmemory\t6\t68680\t1\npids\t8\t80\t1\n";
    private static readonly string V2NoMemory = File.ReadAllText(ProbeFixtures.Path_("cgroups/v2-no-memory-row.cgroups"));

    [Fact]
    public void Pinterest_like_v1_node_is_critical()
    {
        using var host = new HostTree().Write("proc/cgroups", V1Cgroups);
        // 240 directories including the mount point: 1 + 9 kubepods + 230 pods beneath them.
        host.Dir("sys/fs/cgroup/memory");
        for (var i = 0; i < 9; i++) host.Dir($"sys/fs/cgroup/memory/kubepods{i}");
        for (var i = 0; i < 230; i++) host.Dir($"sys/fs/cgroup/memory/kubepods{i % 9}/pod{i}");

        var p = MemcgReader.Read(new HostPaths(host.Root));

        p.CgroupVersion.ShouldBe("v1");
        p.Tracked.ShouldBe(68680);
        p.Live.ShouldBe(240);
        p.Dying.ShouldBe(68440);
        p.Status.ShouldBe("critical");
        p.Detail.ShouldBeNull();
    }

    [Fact]
    public void V1_mount_point_comes_from_mountinfo_when_not_at_the_conventional_place()
    {
        using var host = new HostTree().Write("proc/cgroups", "memory 4 1500 1\n")
            .Write("proc/self/mountinfo", "34 30 0:31 / /cg/mem rw,relatime - cgroup cgroup rw,memory\n").Dir("cg/mem/a");
        var p = MemcgReader.Read(new HostPaths(host.Root));
        p.Live.ShouldBe(2);
        p.Dying.ShouldBe(1498);
        p.Status.ShouldBe("critical"); // 1498 ≥ 50 × 2
    }

    [Fact]
    public void V2_older_kernel_uses_nr_dying_descendants_and_a_missing_memory_row_is_fine()
    {
        using var host = new HostTree().Write("proc/cgroups", V2NoMemory)
            .Write("sys/fs/cgroup/cgroup.stat", "nr_descendants 238\nnr_dying_descendants 68442\n");
        var p = MemcgReader.Read(new HostPaths(host.Root));
        p.CgroupVersion.ShouldBe("v2");
        p.Live.ShouldBe(238);
        p.Dying.ShouldBe(68442);
        p.Tracked.ShouldBe(68680);
        p.Status.ShouldBe("critical");
    }

    [Fact]
    public void V2_newer_kernel_prefers_the_memory_subsystem_counters()
    {
        using var host = new HostTree()
            .Write("sys/fs/cgroup/cgroup.stat", "nr_descendants 300\nnr_dying_descendants 5000\nnr_subsys_cpu 120\nnr_subsys_memory 200\nnr_dying_subsys_memory 1500\nnr_future_key 3\n");
        var p = MemcgReader.Read(new HostPaths(host.Root));
        p.Dying.ShouldBe(1500);
        p.Live.ShouldBe(200);
        p.Status.ShouldBe("ok"); // 1500 < 10 × 200
        p.Detail.ShouldStartWith("proc/cgroups not found");
    }

    [Theory]
    [InlineData("nr_descendants\n")]
    [InlineData("nr_descendants 5\nnr_dying_descendants -1\n")]
    [InlineData("")]
    [InlineData("\0\0\u0001garbage")]
    public void Malformed_cgroup_stat_is_unavailable_with_a_reason(string stat)
    {
        using var host = new HostTree().Write("proc/cgroups", V2NoMemory).Write("sys/fs/cgroup/cgroup.stat", stat);
        var p = MemcgReader.Read(new HostPaths(host.Root));
        p.Status.ShouldBe("unavailable");
        p.Detail.ShouldNotBeNull().ShouldContain("cgroup.stat");
        p.Dying.ShouldBeNull();
    }

    [Theory]
    [InlineData("#subsys_name\thierarchy\tnum_cgroups\tenabled\nmemory\t6\t686\t1", true)] // truncated after the memory row
    [InlineData("#subsys_name\thierarchy\tnum_cgroups\tenabled\nmemory\t6", false)]
    [InlineData("#subsys_name\thierarchy\tnum_cgroups\tenabled\nmemory\tsix\t686\t1", false)]
    [InlineData("\u0001\u0002\u0003", false)]
    public void Truncated_or_garbled_proc_cgroups_never_throws(string text, bool readable)
    {
        using var host = new HostTree().Write("proc/cgroups", text).Dir("sys/fs/cgroup/memory");
        var p = MemcgReader.Read(new HostPaths(host.Root));
        if (readable)
        {
            p.Dying.ShouldBe(685); // 686 tracked, 1 directory (the mount point)
            return;
        }
        p.Status.ShouldBe("unavailable");
        p.Detail.ShouldNotBeNull().ShouldContain("proc/cgroups");
    }

    [Fact]
    public void Permission_denied_is_said()
    {
        if (OperatingSystem.IsWindows()) return;
        using var host = new HostTree().Dir("sys/fs/cgroup/memory");
        if (Environment.UserName == "root")
        {
            // chmod 000 does not stop root; a write-only sysfs attribute does (EACCES on open for read).
            var unreadable = ProbeFixtures.UnreadableForRoot();
            if (unreadable is null) return;
            Directory.CreateDirectory(host.PathOf("proc"));
            File.CreateSymbolicLink(host.PathOf("proc/cgroups"), unreadable);
        }
        else
        {
            host.Write("proc/cgroups", V1Cgroups);
            File.SetUnixFileMode(host.PathOf("proc/cgroups"), UnixFileMode.None);
        }
        var p = MemcgReader.Read(new HostPaths(host.Root));
        p.Status.ShouldBe("unavailable");
        p.Detail.ShouldNotBeNull().ShouldStartWith("permission denied reading proc/cgroups");
    }

    [Fact]
    public void Nothing_there_at_all_is_unavailable()
    {
        using var host = new HostTree();
        var p = MemcgReader.Read(new HostPaths(host.Root));
        p.Status.ShouldBe("unavailable");
        p.Detail.ShouldNotBeNull().ShouldContain("proc/cgroups not found");
    }
}
