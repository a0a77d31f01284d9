using System.Diagnostics;
using System.Globalization;
using AmiAudit.Collectors.Probes;
using AmiAudit.Collectors.Probes.Cpu;
using AmiAudit.Collectors.Probes.Memcg;
using Xunit.Abstractions;

namespace AmiAudit.Collectors.Tests.Probes;

/// <summary>
/// Real zombie memcgs and real per-core saturation on this (cgroup v1, root, 2-core) host.
/// Each test returns early with a message when the host cannot do it (not root, no v1 memory controller, 1 core).
/// </summary>
[Trait("Category", "RealParts")]
[Collection("RealPartsProbes")] // the two tests must not disturb each other's CPU / memcg readings
public class RealPartsProbeTests(ITestOutputHelper output)
{
    private const string MemcgRoot = "/sys/fs/cgroup/memory";

    [Fact]
    public void Real_zombie_memcgs_are_counted_exactly_and_freed_when_their_page_cache_goes()
    {
        // A real-part test that passes without its real part proves nothing: missing prerequisites fail it.
        (Environment.UserName == "root" && Directory.Exists(MemcgRoot) && File.ReadAllText("/proc/cgroups").Contains("memory\t"))
            .ShouldBeTrue("needs root and a cgroup v1 memory controller at /sys/fs/cgroup/memory (the v2 path is covered by fixture trees)");
        const int n = 20;
        var host = new HostPaths("/");
        // Other jobs on the host create and free cgroups too; an attempt whose numbers were moved by
        // them is repeated (at most 3 times). One attempt must show exactly +N and then exactly −N.
        var results = new List<(long Up, long Down)>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var (up, down) = ZombieAttempt(host, n, attempt);
            results.Add((up, down));
            output.WriteLine($"attempt {attempt}: +{up} dying after rmdir, -{down} after deleting the files");
            if (up == n && down == n) break;
        }
        results.ShouldContain((n, n));
    }

    /// <summary>Reads until two reads 300 ms apart agree (the kernel frees uncharged memcgs asynchronously).</summary>
    private static AmiAudit.Core.Model.MemcgProbe Settled(HostPaths host)
    {
        var last = MemcgReader.Read(host);
        for (var i = 0; i < 20; i++)
        {
            Thread.Sleep(300);
            var next = MemcgReader.Read(host);
            if (next.Dying == last.Dying) return next;
            last = next;
        }
        return last;
    }

    private (long Up, long Down) ZombieAttempt(HostPaths host, int n, int attempt)
    {
        // The test's cgroups live under one live parent. Why: a dying memcg is also pinned by the
        // per-CPU charge caches (memcg_stock), which the kernel drains lazily; writing the parent's
        // memory.force_empty drains every cached charge of its descendants — only ours — so exactly
        // our N are freed, without dropping caches host-wide (which frees other jobs' zombies too).
        var parent = Path.Combine(MemcgRoot, $"amiaudit-test-{Environment.ProcessId}-{attempt}");
        var files = Enumerable.Range(0, n).Select(i => $"/tmp/amiaudit-zombie-{Environment.ProcessId}-{attempt}-{i}").ToList();
        Directory.CreateDirectory(parent);
        try
        {
            var before = Settled(host);
            before.CgroupVersion.ShouldBe("v1");
            for (var i = 0; i < n; i++)
            {
                var dir = Path.Combine(parent, $"zombie-{i}");
                Directory.CreateDirectory(dir);
                Run("/bin/sh", "-c", $"echo $$ > {dir}/cgroup.procs; dd if=/dev/zero of={files[i]} bs=1M count=4 status=none");
                // The shell has exited; the cgroup is held only by the page cache it charged.
                Directory.Delete(dir);
            }
            var zombies = MemcgReader.Read(host);
            output.WriteLine($"  before: tracked {before.Tracked} live {before.Live} dying {before.Dying}; after rmdir: tracked {zombies.Tracked} live {zombies.Live} dying {zombies.Dying}");

            // Deleting the files uncharges their pages; draining the parent's per-CPU caches drops the last references.
            foreach (var f in files) File.Delete(f);
            var freed = Poll(() =>
            {
                File.WriteAllText(Path.Combine(parent, "memory.force_empty"), "0");
                return MemcgReader.Read(host);
            }, p => zombies.Dying - p.Dying >= n, TimeSpan.FromSeconds(15));
            output.WriteLine($"  after delete: tracked {freed.Tracked} live {freed.Live} dying {freed.Dying}");
            return (zombies.Dying!.Value - before.Dying!.Value, zombies.Dying.Value - freed.Dying!.Value);
        }
        finally
        {
            foreach (var f in files) File.Delete(f);
            for (var i = 0; i < n; i++)
            {
                var dir = Path.Combine(parent, $"zombie-{i}");
                if (Directory.Exists(dir)) try { Directory.Delete(dir); } catch (IOException) { }
            }
            try { Directory.Delete(parent); } catch (IOException) { }
        }
    }

    [Fact]
    public void Real_per_core_saturation_flags_cpu1_names_dd_and_agrees_with_mpstat()
    {
        (Environment.ProcessorCount >= 2 && File.Exists("/usr/bin/mpstat") && File.Exists("/usr/bin/taskset"))
            .ShouldBeTrue("needs 2 CPUs, mpstat and taskset: run scripts/install-test-deps.sh (sysstat)");
        // Parallel builds on this 2-core host can crowd CPU 1 for seconds; an attempt spoiled by
        // them is repeated (at most 3). Every assertion must hold in one attempt.
        var failures = new List<string>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                SaturationAttempt();
                return;
            }
            catch (ShouldAssertException e)
            {
                failures.Add(e.Message);
                output.WriteLine($"attempt {attempt} failed: {e.Message}");
            }
        }
        throw new ShouldAssertException(string.Join("\n---\n", failures));
    }

    private void SaturationAttempt()
    {
        using var dd = Process.Start(new ProcessStartInfo("taskset", ["-c", "1", "dd", "if=/dev/zero", "of=/dev/null"]) { RedirectStandardError = true })!;
        try
        {
            Thread.Sleep(500); // let dd settle on CPU 1
            var mpstat = Process.Start(new ProcessStartInfo("mpstat", ["-P", "ALL", "1", "5"])
            {
                RedirectStandardOutput = true,
                Environment = { ["LC_ALL"] = "C", ["S_TIME_FORMAT"] = "ISO" },
            })!;
            var probe = CpuReader.Read(new HostPaths("/"), new CpuProbeOptions { Window = TimeSpan.FromSeconds(5) });
            var mpOut = mpstat.StandardOutput.ReadToEnd();
            mpstat.WaitForExit();
            output.WriteLine(mpOut);

            var cpu1 = probe.Cores.Single(c => c.Cpu == 1);
            var cpu0 = probe.Cores.Single(c => c.Cpu == 0);
            output.WriteLine($"probe cpu0 usr {cpu0.Usr} sys {cpu0.Sys} idle {cpu0.Idle}; cpu1 usr {cpu1.Usr} sys {cpu1.Sys} idle {cpu1.Idle} top {string.Join(",", cpu1.TopProcesses.Select(t => t.Comm + " " + t.Percent))}");
            var averages = ParseMpstatAverages(mpOut);
            cpu1.Hot.ShouldBeTrue();
            // CPU 0 must not be flagged — unless other jobs on this 2-core host really kept it busy, which
            // mpstat (the reference) shows too; then the probe must agree with mpstat instead.
            var cpu0BusyPerMpstat = 100 - averages[0].Idle;
            if (cpu0BusyPerMpstat < 87) cpu0.Hot.ShouldBeFalse();
            else if (cpu0BusyPerMpstat > 93) cpu0.Hot.ShouldBeTrue();
            output.WriteLine($"mpstat CPU 0 busy {cpu0BusyPerMpstat:0.0} %");
            cpu1.TopProcesses.ShouldNotBeEmpty();
            cpu1.TopProcesses[0].Comm.ShouldBe("dd");
            // Other jobs may share CPU 1 (nothing pins them away), but dd holds most of it.
            cpu1.TopProcesses[0].Percent.ShouldBeGreaterThan(0.5 * (100 - cpu1.Idle.ShouldNotBeNull()));

            foreach (var core in new[] { cpu0, cpu1 })
            {
                var (usr, sys, idle) = averages[core.Cpu];
                core.Usr.ShouldNotBeNull().ShouldBe(usr, 3, $"%usr CPU {core.Cpu}");
                core.Sys.ShouldNotBeNull().ShouldBe(sys, 3, $"%sys CPU {core.Cpu}");
                core.Idle.ShouldNotBeNull().ShouldBe(idle, 3, $"%idle CPU {core.Cpu}");
            }
        }
        finally
        {
            dd.Kill();
            dd.WaitForExit();
        }
    }

    /// <summary>"Average:  1  47.18  0.00  52.82 …" → cpu → (%usr, %sys, %idle).</summary>
    private static Dictionary<int, (double Usr, double Sys, double Idle)> ParseMpstatAverages(string text)
    {
        var result = new Dictionary<int, (double, double, double)>();
        string[]? header = null;
        foreach (var line in text.Split('\n'))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 0 || f[0] != "Average:") continue;
            if (f[1] == "CPU") { header = f; continue; }
            if (header is null || !int.TryParse(f[1], out var cpu)) continue;
            double Col(string name) => double.Parse(f[Array.IndexOf(header, name)], CultureInfo.InvariantCulture);
            result[cpu] = (Col("%usr"), Col("%sys"), Col("%idle"));
        }
        return result;
    }

    private static T Poll<T>(Func<T> read, Func<T, bool> done, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        var value = read();
        while (!done(value) && sw.Elapsed < timeout)
        {
            Thread.Sleep(200);
            value = read();
        }
        return value;
    }

    private static void Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args))!;
        p.WaitForExit();
        p.ExitCode.ShouldBe(0);
    }
}
