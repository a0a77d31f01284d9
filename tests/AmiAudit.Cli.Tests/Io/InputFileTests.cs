using AmiAudit.Cli.Infrastructure;
using static AmiAudit.Cli.Tests.Io.CliFixtures;

namespace AmiAudit.Cli.Tests.Io;

/// <summary>
/// Issue 8, defect 6: a FIFO as a policy, waiver, --config, snapshot, diff-folder entry or --kernel-log hung
/// forever; a symlink to /dev/zero as a policy or snapshot grew memory without bound; --kernel-log /dev/zero
/// spun at 100 % CPU. Every user-named file now goes through InputFile: regular files only, capped reads.
/// Each run has a deadline, so a regression fails instead of hanging the suite.
/// </summary>
public class InputFileTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>Runs in-process with a deadline; on a hang, opens each FIFO read-write and closes it, which
    /// releases a reader blocked in open(2) or read(2), so the test fails rather than wedging the test host.</summary>
    private static CliHarness.Outcome RunWithDeadline(string[] fifos, params string[] args)
    {
        var run = Task.Run(() => CliHarness.Run(args));
        if (run.Wait(Deadline)) return run.Result;
        foreach (var f in fifos)
            using (new FileStream(f, FileMode.Open, FileAccess.ReadWrite)) { }
        run.Wait(Deadline);
        throw new TimeoutException($"amiaudit {string.Join(' ', args)} did not finish within {Deadline} (blocked on a FIFO)");
    }

    private static string Fifo(string dir, string name)
    {
        var path = Path.Combine(dir, name);
        Nodes.MakeFifo(path);
        return path;
    }

    [Fact]
    public void A_fifo_named_as_a_policy_is_exit_3_with_file_line_col()
    {
        var fifo = Fifo(Temp("in-pol"), "p.yaml");
        var r = RunWithDeadline([fifo], "scan", "--snapshot", DlamiSnapshot, "--policy", fifo);
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput, r.Error);
        r.Error.ShouldBe($"{fifo}:1:1: a FIFO, not a regular file; not a policy file\n");
    }

    [Fact]
    public void A_fifo_named_to_policy_validate_is_exit_3()
    {
        var fifo = Fifo(Temp("in-val"), "p.yaml");
        var r = RunWithDeadline([fifo], "policy", "validate", fifo);
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput, r.Error);
        r.Error.ShouldContain("a FIFO, not a regular file");
    }

    [Fact]
    public void A_fifo_inside_a_policy_folder_is_skipped_with_a_diagnostic()
    {
        var dir = Temp("in-polfolder");
        File.WriteAllText(Path.Combine(dir, "a.yaml"), Policy("a"));
        var fifo = Fifo(dir, "b.yaml");
        var r = RunWithDeadline([fifo], "scan", "--snapshot", DlamiSnapshot, "--policy", dir, "--fail-on", "none", "--format", "json");
        r.ExitCode.ShouldBe(0, r.Error);
        r.Error.ShouldBe($"amiaudit: skipped {fifo}: a FIFO, not a regular file\n");
        r.Out.ShouldContain("\"A-1\"");
    }

    [Fact]
    public void A_fifo_as_waivers_is_exit_3()
    {
        var fifo = Fifo(Temp("in-waiver"), "w.yaml");
        var r = RunWithDeadline([fifo], "scan", "--snapshot", DlamiSnapshot, "--waivers", fifo);
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput, r.Error);
        r.Error.ShouldBe($"{fifo}:1:1: a FIFO, not a regular file; not a waivers file\n");
    }

    [Fact]
    public void A_fifo_as_config_is_exit_3()
    {
        var fifo = Fifo(Temp("in-config"), "amiaudit.yaml");
        var r = RunWithDeadline([fifo], "diff", "--config", fifo, ZoneA, ZoneB);
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput, r.Error);
        r.Error.ShouldBe($"{fifo}:1:1: a FIFO, not a regular file; not an amiaudit.yaml\n");
    }

    [Fact]
    public void A_fifo_as_snapshot_is_exit_3()
    {
        var fifo = Fifo(Temp("in-snap"), "s.json");
        var r = RunWithDeadline([fifo], "scan", "--snapshot", fifo);
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput, r.Error);
        r.Error.ShouldBe($"{fifo}:1:1: a FIFO, not a regular file; not a snapshot\n");
    }

    [Fact]
    public void A_fifo_as_a_diff_side_is_exit_3()
    {
        var fifo = Fifo(Temp("in-side"), "a.json");
        var r = RunWithDeadline([fifo], "diff", fifo, ZoneB);
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput, r.Error);
        r.Error.ShouldBe($"{fifo}:1:1: a FIFO, not a regular file; not a snapshot\n");
    }

    [Fact]
    public void A_fifo_inside_a_diff_folder_is_skipped_and_the_rest_compared()
    {
        var dir = Temp("in-difffolder");
        foreach (var f in Directory.GetFiles(ZoneA)) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        var fifo = Fifo(dir, "zz-stuck.json");
        var r = RunWithDeadline([fifo], "diff", dir, ZoneB, "--format", "json");
        r.ExitCode.ShouldBe(0, r.Error);
        r.Error.ShouldBe($"amiaudit: skipped {fifo}: a FIFO, not a regular file\n");
        r.Out.ShouldContain("\"nodes\": 3");
    }

    [Fact]
    public void A_fifo_as_kernel_log_is_exit_3()
    {
        var fifo = Fifo(Temp("in-klog"), "dmesg.txt");
        var r = RunWithDeadline([fifo], "probe", "ena", "--host-root", ProbeHost(), "--kernel-log", fifo);
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput, r.Error);
        r.Error.ShouldBe($"{fifo}:1:1: a FIFO, not a regular file; not a kernel log\n");
    }

    [Fact]
    public void A_directory_named_as_a_snapshot_or_kernel_log_is_exit_3()
    {
        var dir = Temp("in-dir");
        RunWithDeadline([], "scan", "--snapshot", dir).ExitCode.ShouldBe(ExitCodes.InvalidInput);
        var r = RunWithDeadline([], "probe", "ena", "--host-root", ProbeHost(), "--kernel-log", dir);
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        r.Error.ShouldContain("is a directory");
    }

    [Fact]
    public void A_symlink_to_a_regular_file_is_read()
    {
        var dir = Temp("in-link");
        var link = Path.Combine(dir, "s.json");
        File.CreateSymbolicLink(link, DlamiSnapshot);
        RunWithDeadline([], "scan", "--snapshot", link, "--fail-on", "none", "--format", "json").ExitCode.ShouldBe(0);
    }

    /// <summary>A symlink to /dev/zero (the device node made inside the temp dir): refused at open, with bounded
    /// memory. Run as a process (the old code read until memory ran out) under GNU time for the peak RSS.</summary>
    public static TheoryData<string> ZeroDeviceCases() => new() { "policy", "snapshot", "kernel-log", "diff-side", "diff-folder-entry", "config", "waivers" };

    [Theory]
    [MemberData(nameof(ZeroDeviceCases))]
    public void A_symlink_to_dev_zero_is_refused_quickly_with_bounded_memory(string role)
    {
        var dir = Temp("in-zero");
        var zero = Path.Combine(dir, "zero");
        Nodes.MakeCharDevice(zero, 1, 5);
        var link = Path.Combine(dir, role == "diff-folder-entry" ? "folder/z.json" : "z.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, zero);
        string[] args = role switch
        {
            "policy" => ["scan", "--snapshot", DlamiSnapshot, "--policy", link],
            "snapshot" => ["scan", "--snapshot", link],
            "kernel-log" => ["probe", "ena", "--host-root", ProbeHost(), "--kernel-log", link],
            "diff-side" => ["diff", link, ZoneB],
            "diff-folder-entry" => ["diff", Path.GetDirectoryName(link)!, ZoneB],
            "config" => ["diff", "--config", link, ZoneA, ZoneB],
            "waivers" => ["scan", "--snapshot", DlamiSnapshot, "--waivers", link],
            _ => throw new ArgumentOutOfRangeException(nameof(role)),
        };
        var r = CliProcess.Run(["/usr/bin/time", "-f", "maxrss-kib=%M"], args, TimeSpan.FromSeconds(30));
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput, r.Error);
        r.Error.ShouldContain("a character device, not a regular file");
        var rss = long.Parse(r.Error.Split('\n').Single(l => l.StartsWith("maxrss-kib=", StringComparison.Ordinal))["maxrss-kib=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        rss.ShouldBeLessThan(250 * 1024, "peak RSS (KiB) of a run that should refuse the input at open");
    }

    [Fact]
    public void Kernel_log_dev_zero_itself_is_refused()
    {
        var r = CliProcess.Run([], ["probe", "ena", "--host-root", ProbeHost(), "--kernel-log", "/dev/zero"], TimeSpan.FromSeconds(30));
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput, r.Error);
        r.Error.ShouldBe("/dev/zero:1:1: a character device, not a regular file; not a kernel log\n");
    }

    [Fact]
    public void A_policy_over_the_cap_is_refused_by_what_is_read()
    {
        var f = Path.Combine(Temp("in-big"), "big.yaml");
        using (var s = File.Create(f)) s.SetLength(InputFileCap + 1);
        var r = RunWithDeadline([], "policy", "validate", f);
        r.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        r.Error.ShouldBe($"{f}:1:1: larger than 8 MiB; not a policy file\n");
    }

    private const long InputFileCap = 8L * 1024 * 1024;
}
