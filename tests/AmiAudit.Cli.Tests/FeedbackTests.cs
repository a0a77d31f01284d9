using AmiAudit.Cli.Infrastructure;

namespace AmiAudit.Cli.Tests;

/// <summary>What a user sees on stderr while and after a verb works: the probe's sampling window, collect's file.</summary>
public class FeedbackTests
{
    private static (int Code, string Out, string Error) Run(bool interactive, params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = Program.Run(args, new CliContext
        {
            Out = stdout, Error = stderr, Environment = CliHarness.PinnedEnvironment(), Clock = TimeProvider.System,
            AppDirectory = AppContext.BaseDirectory, Interactive = interactive,
        });
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string CpuHost()
    {
        var root = Directory.CreateTempSubdirectory("amiaudit-feedback-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "proc"));
        File.Copy(Path.Combine(CliHarness.RepoRoot, "tests", "AmiAudit.Collectors.Tests", "Fixtures", "probes", "cpu", "stat-t0.txt"),
            Path.Combine(root, "proc", "stat"));
        return root;
    }

    [Fact]
    public void Probe_says_it_is_sampling_on_a_terminal_and_clears_the_line()
    {
        var r = Run(true, "probe", "cpu", "--window", "1s", "--host-root", CpuHost());
        r.Code.ShouldBe(ExitCodes.Passed, r.Error);
        r.Error.ShouldContain("amiaudit: sampling 1s…");
        r.Error.ShouldEndWith("\r");
        r.Out.ShouldNotContain("sampling");
    }

    [Fact]
    public void Probe_prints_no_progress_when_not_on_a_terminal_or_without_a_window()
    {
        Run(false, "probe", "cpu", "--window", "1s", "--host-root", CpuHost()).Error.ShouldNotContain("sampling");
        Run(true, "probe", "cpu", "--window", "0s", "--host-root", CpuHost()).Error.ShouldNotContain("sampling");
    }

    [Fact]
    public void Collect_to_a_file_confirms_what_it_wrote()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("amiaudit-feedback-").FullName, "snap.json");
        var r = Run(false, "collect", "--root", CliHarness.Example("dlami-root"), "-o", file);
        r.Code.ShouldBe(ExitCodes.Passed, r.Error);
        var snapshot = AmiAudit.Core.Model.SnapshotJson.Deserialize(File.ReadAllText(file), file);
        snapshot.Systemd.Units.Count.ShouldBeGreaterThan(0);
        r.Error.ShouldBe($"amiaudit: wrote {file} ({snapshot.Systemd.Units.Count} units, {snapshot.Containers.Count} containers)\n");
    }

    [Fact]
    public void Collect_to_standard_output_prints_no_confirmation()
    {
        var r = Run(false, "collect", "--root", CliHarness.Example("dlami-root"));
        r.Code.ShouldBe(ExitCodes.Passed, r.Error);
        r.Error.ShouldNotContain("wrote");
        r.Out.TrimStart().ShouldStartWith("{");
    }
}
