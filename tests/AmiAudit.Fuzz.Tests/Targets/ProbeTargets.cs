using AmiAudit.Collectors.Probes.Cpu;
using AmiAudit.Collectors.Probes.Ena;
using AmiAudit.Collectors.Probes.Memcg;
using AmiAudit.Fuzz.Engine;

namespace AmiAudit.Fuzz.Targets;

/// <summary>Kernel log lines and the /proc, /sys and ethtool texts the probes read.</summary>
internal static class ProbeTargets
{
    private const string Fixtures = "tests/AmiAudit.Collectors.Tests/Fixtures/probes";

    public static FuzzTarget KernelLog => new()
    {
        Name = "kernel-log",
        Parses = "kernel logs: dmesg/kmsg/syslog/journal text and journalctl -o json (KernelLogReader, KernelLogPrefix, EnaMessageParser)",
        Seeds = () => Corpus.Of(Corpus.Repo($"{Fixtures}/ena/corpus-7.2.txt"), Corpus.Own("kernel-log")),
        Tokens = ["[", "]", "[ 8123.456789] ", "[  +0.000421] ", "<3>", "6,2841,8123456789,-;", "kern  :err   : ", "Mar 03 12:00:01 ", "kernel: ",
                  "2026-03-03T12:00:01,123456+00:00 ", "[Tue Mar  3 12:00:01 2026] ", "ena 0000:20:03.0 eth0: ", "ena 0000:20:03.0: ",
                  "{\"MESSAGE\":", "\"__REALTIME_TIMESTAMP\":\"", "-- Boot ", "TX q ", "(threshold ", "usec", "total_resets: ", "Trigger reset is on",
                  "wasn't completed on time", "napi handler hasn't been called", "v2.11.0g", "\\x0a"],
        Run = input =>
        {
            var log = KernelLogReader.FromStream(new MemoryStream(input), "fuzz");
            foreach (var line in log.Lines) EnaMessageParser.Parse(line);
        },
    };

    public static FuzzTarget ProcStat => Simple("proc-stat", "/proc/stat", $"{Fixtures}/cpu/stat-t0.txt", ["cpu", "cpu0 ", "cpu12 ", "intr ", "softirq ", "btime "],
        t => ProcStatParser.Parse(t));

    public static FuzzTarget Interrupts => Simple("interrupts", "/proc/interrupts and CPU lists", $"{Fixtures}/cpu/interrupts-old.txt",
        ["CPU0", "CPU1 ", "  ", ":", "PCI-MSI", "ena-mgmnt@pci:0000:00:05.0", "eth0-Tx-Rx-0", "0-3,5", ",", "-"],
        t =>
        {
            var rows = InterruptsParser.Parse(t);
            foreach (var r in rows) InterruptsParser.IsEnaName(r.Name);
            InterruptsParser.ParseCpuHeader(t.Split('\n')[0]);
            CpuListParser.Parse(t);
        });

    public static FuzzTarget Softirqs => Simple("softirqs", "/proc/softirqs", $"{Fixtures}/cpu/softirqs.txt", ["CPU0", "NET_RX:", "NET_TX:", "HI:", "  "],
        t => SoftirqsParser.Parse(t));

    public static FuzzTarget TaskStat => Simple("task-stat", "/proc/PID/stat and /proc/PID/task/TID/stat", $"{Fixtures}/cpu/pid-stat.txt",
        ["(", ")", ") R ", " ", "((", "))", "\n"],
        t =>
        {
            foreach (var line in t.Split('\n')) TaskStatParser.Parse(line);
            TaskStatParser.Parse(t);
        });

    public static FuzzTarget ProcCgroups => Simple("proc-cgroups", "/proc/cgroups", $"{Fixtures}/cgroups", ["#subsys_name\thierarchy\tnum_cgroups\tenabled", "memory\t", "\t0\t", "\t1\n"],
        t => ProcCgroupsParser.Parse(t));

    public static FuzzTarget CgroupStat => Simple("cgroup-stat", "cgroup v2 cgroup.stat", null, ["nr_descendants ", "nr_dying_descendants ", "nr_subsys_memory ", "nr_dying_subsys_memory ", " "],
        t => CgroupStatParser.Parse(t));

    public static FuzzTarget MountInfo => Simple("mountinfo", "/proc/self/mountinfo", null, [" - cgroup ", " - cgroup2 ", "rw,memory", " / ", "\\040", "shared:1 ", "master:2 ", " 0:27 "],
        t =>
        {
            MountInfoParser.FindCgroupV1Mount(t, "memory");
            MountInfoParser.FindCgroupV1Mount(t, "");
        });

    public static FuzzTarget EthtoolStats => Simple("ethtool-stats", "ethtool -S output", $"{Fixtures}/ena/ethtool-eth0-2.11.txt",
        ["NIC statistics:", "     ", ": ", "tx_timeout", "queue_0_tx_", "missing_tx_cmpl", "reset_fail"],
        t =>
        {
            EthtoolStatsParser.Parse(t);
            EthtoolStatsParser.Parse(t, keptOnly: false);
        });

    /// <summary>A target whose parser takes the whole decoded text and reports problems as data (no exception is documented).</summary>
    private static FuzzTarget Simple(string name, string parses, string? repoSeed, string[] tokens, Action<string> parse) => new()
    {
        Name = name,
        Parses = parses,
        Seeds = () => Corpus.Of(repoSeed is null ? [] : Corpus.Repo(repoSeed), Corpus.Own(name)),
        Tokens = tokens,
        Run = input => parse(Text.Of(input)),
    };
}
