namespace AmiAudit.Cli.Tests.Io;

/// <summary>Inputs every verb can run on quickly, in-process or as a process.</summary>
public static class CliFixtures
{
    public static string Repo(params string[] parts) => Path.Combine([CliHarness.RepoRoot, .. parts]);

    public static string DlamiRoot => Repo("examples", "dlami-root");
    public static string DlamiSnapshot => Repo("reports", "dlami-root.snapshot.json");
    public static string ZoneA => Repo("examples", "incident", "zone-a");
    public static string ZoneB => Repo("examples", "incident", "zone-b");

    public static string Temp(string what) => Directory.CreateTempSubdirectory($"amiaudit-{what}-").FullName;

    /// <summary>A host root with /proc/cgroups and cgroup.stat: `probe memcg` judges it without sampling.</summary>
    public static string ProbeHost()
    {
        var root = Temp("probe-host");
        Directory.CreateDirectory(Path.Combine(root, "proc"));
        File.WriteAllText(Path.Combine(root, "proc", "cgroups"), "#subsys_name\thierarchy\tnum_cgroups\tenabled\nmemory\t0\t212\t1\n");
        Directory.CreateDirectory(Path.Combine(root, "sys", "fs", "cgroup"));
        File.WriteAllText(Path.Combine(root, "sys", "fs", "cgroup", "cgroup.stat"), "nr_descendants 238\nnr_dying_descendants 12\n");
        File.Copy(Repo("tests", "AmiAudit.Collectors.Tests", "Fixtures", "probes", "cpu", "stat-t0.txt"), Path.Combine(root, "proc", "stat"));
        return root;
    }

    /// <summary>One command line per verb that takes -o (the output option is appended by the test).</summary>
    public static TheoryData<string> EveryVerb() => new() { "scan", "collect", "diff", "probe" };

    public static string[] VerbArgs(string verb) => verb switch
    {
        "scan" => ["scan", "--snapshot", DlamiSnapshot, "--fail-on", "none", "--format", "json"],
        "collect" => ["collect", "--root", DlamiRoot],
        "diff" => ["diff", ZoneA, ZoneB, "--format", "json"],
        "probe" => ["probe", "memcg", "--host-root", ProbeHost(), "--format", "json"],
        _ => throw new ArgumentOutOfRangeException(nameof(verb)),
    };

    public static string Policy(string name = "p") => $"""
        apiVersion: amiaudit/v1
        kind: Policy
        metadata: {"{"} name: {name} {"}"}
        rules:
          - id: {name.ToUpperInvariant()}-1
            title: every unit is named none
            severity: high
            for: systemd.units
            expect: {"{"} name: {"{"} equals: none {"}"} {"}"}
        """;
}
