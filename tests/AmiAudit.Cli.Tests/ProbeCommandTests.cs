namespace AmiAudit.Cli.Tests;

public class ProbeCommandTests
{
    private static string Fixture(string rel) => Path.Combine(CliHarness.RepoRoot, "tests", "AmiAudit.Collectors.Tests", "Fixtures", "probes", rel);

    private static string SickHost()
    {
        var root = Directory.CreateTempSubdirectory("amiaudit-probe-cli-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "proc"));
        File.WriteAllText(Path.Combine(root, "proc", "cgroups"), "#subsys_name\thierarchy\tnum_cgroups\tenabled\nmemory\t0\t212\t1\n");
        Directory.CreateDirectory(Path.Combine(root, "sys", "fs", "cgroup"));
        File.WriteAllText(Path.Combine(root, "sys", "fs", "cgroup", "cgroup.stat"), "nr_descendants 238\nnr_dying_descendants 68442\n");
        File.Copy(Fixture("cpu/stat-t0.txt"), Path.Combine(root, "proc", "stat"));
        Directory.CreateDirectory(Path.Combine(root, "sys", "class", "net", "eth0", "device"));
        File.WriteAllText(Path.Combine(root, "sys", "class", "net", "eth0", "device", "uevent"), "DRIVER=ena\nPCI_SLOT_NAME=0000:20:03.0\n");
        return root;
    }

    [Fact]
    public void Console_prints_one_verdict_per_probe()
    {
        var root = SickHost();
        var r = CliHarness.Run("probe", "--window", "0s", "--host-root", root, "--kernel-log", Fixture("ena/corpus-7.2.txt"));
        r.ExitCode.ShouldBe(0, r.Error);
        var lines = r.Out.TrimEnd().Split('\n');
        lines.Length.ShouldBe(5);
        // The fixture host has neither a running systemd nor a Docker socket: said, not hidden.
        lines[3].ShouldStartWith("units: unavailable");
        lines[4].ShouldStartWith("containers: unavailable");
        lines[0].ShouldBe("memcg: 68,442 dying memory cgroups (kernel tracks 68,680, 238 live, cgroup v2) — critical");
        lines[1].ShouldStartWith("cpu: not sampled");
        lines[2].ShouldStartWith("ena: 19 resets on eth0, 2 failed ("); // per-episode counting: EnaReaderTests explains the 19
        lines[2].ShouldEndWith("— critical");
    }

    [Fact]
    public void Npd_exit_codes_follow_the_plugin_contract()
    {
        var root = SickHost();
        var sick = CliHarness.Run("probe", "memcg", "--format", "npd", "--host-root", root);
        sick.ExitCode.ShouldBe(1);
        sick.Out.TrimEnd().Split('\n').ShouldHaveSingleItem().ShouldContain("68,442 dying");

        File.WriteAllText(Path.Combine(root, "sys", "fs", "cgroup", "cgroup.stat"), "nr_descendants 238\nnr_dying_descendants 12\n");
        CliHarness.Run("probe", "memcg", "--format", "npd", "--host-root", root).ExitCode.ShouldBe(0);

        File.WriteAllText(Path.Combine(root, "sys", "fs", "cgroup", "cgroup.stat"), "garbage\n");
        var unknown = CliHarness.Run("probe", "memcg", "--format", "npd", "--host-root", root);
        unknown.ExitCode.ShouldBe(2);
        unknown.Out.ShouldContain("unavailable");
    }

    [Fact]
    public void Prometheus_textfile_is_written_atomically_with_low_cardinality_labels()
    {
        var root = SickHost();
        var outFile = Path.Combine(root, "out", "amiaudit.prom");
        var r = CliHarness.Run("probe", "--window", "0s", "--format", "prometheus", "--host-root", root,
            "--kernel-log", Fixture("ena/corpus-7.2.txt"), "--output", outFile);
        r.ExitCode.ShouldBe(0, r.Error);
        var text = File.ReadAllText(outFile);
        text.ShouldContain("amiaudit_memcg_dying 68442\n");
        text.ShouldContain("amiaudit_probe_status{probe=\"memcg\"} 2\n");
        text.ShouldContain("amiaudit_ena_resets{interface=\"eth0\"} 19\n");
        text.ShouldNotContain("amiaudit_cpu_sys_percent");
        Directory.GetFiles(Path.GetDirectoryName(outFile)!).ShouldBe([outFile]); // no temp file left behind
        foreach (var line in text.Split('\n').Where(l => l.Length > 0 && l[0] != '#'))
            line.ShouldStartWith("amiaudit_");
    }

    [Fact]
    public void Bad_arguments_are_usage_or_input_errors()
    {
        CliHarness.Run("probe", "disk").ExitCode.ShouldBe(2);
        CliHarness.Run("probe", "--format", "xml").ExitCode.ShouldBe(2);
        CliHarness.Run("probe", "--window", "soon").ExitCode.ShouldBe(2);
        CliHarness.Run("probe", "--host-root", "/nonexistent/host").ExitCode.ShouldBe(3);
        CliHarness.Run("probe", "ena", "--kernel-log", "/nonexistent/dmesg").ExitCode.ShouldBe(3);
    }
}

public class ProbeLoopsTests
{
    [Fact]
    public void Loops_probe_says_which_live_sources_it_could_not_read()
    {
        var env = new Dictionary<string, string> { ["DOCKER_HOST"] = "unix:///nonexistent/amiaudit-test/docker.sock" };
        var r = CliHarness.RunWith(env, "probe", "loops", "--window", "0s");
        r.ExitCode.ShouldBe(0, r.Error);
        var lines = r.Out.TrimEnd().Split('\n');
        lines.ShouldContain(l => l.StartsWith("containers: unavailable", StringComparison.Ordinal) && l.Contains("/nonexistent/amiaudit-test/docker.sock", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("units: ", StringComparison.Ordinal));
        lines.ShouldNotContain(l => l.StartsWith("memcg:", StringComparison.Ordinal)); // only the probe asked for
    }
}
