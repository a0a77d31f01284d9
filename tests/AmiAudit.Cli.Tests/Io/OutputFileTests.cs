using AmiAudit.Cli.Infrastructure;
using static AmiAudit.Cli.Tests.Io.CliFixtures;

namespace AmiAudit.Cli.Tests.Io;

/// <summary>
/// Issue 8, defects 1 and 10: <c>-o</c> onto a device replaced the device with a regular file (temp + rename);
/// output errors were exit 70 "This is a bug"; <c>-o</c> onto an input destroyed it. Every verb's -o goes
/// through OutputFile now; these run each case through the CLI.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class OutputFileTests
{
    [Theory]
    [MemberData(nameof(EveryVerb), MemberType = typeof(CliFixtures))]
    public void Output_onto_a_character_device_writes_through_and_the_device_stays_a_device(string verb)
    {
        var dir = Temp("out-dev");
        var device = Path.Combine(dir, "null");
        Nodes.MakeCharDevice(device, 1, 3); // a /dev/null of our own: the real one is never at risk
        var r = CliHarness.Run([.. VerbArgs(verb), "-o", device]);
        r.ExitCode.ShouldBeOneOf([0, 1], r.Error);
        r.Out.ShouldBeEmpty();
        Nodes.Kind(device).ShouldBe("character special file");
        Nodes.Entries(dir).ShouldBe(["null"]); // no temp file either
    }

    [Theory]
    [MemberData(nameof(EveryVerb), MemberType = typeof(CliFixtures))]
    public async Task Output_onto_a_fifo_is_written_through_to_its_reader(string verb)
    {
        var dir = Temp("out-fifo");
        var fifo = Path.Combine(dir, "pipe");
        Nodes.MakeFifo(fifo);
        var args = VerbArgs(verb);
        var expected = CliHarness.Run(args).Out;
        var reader = Task.Run(() => File.ReadAllText(fifo));
        var r = CliHarness.Run([.. args, "-o", fifo]);
        r.ExitCode.ShouldBeOneOf([0, 1], r.Error);
        (await reader.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBe(expected);
        Nodes.Kind(fifo).ShouldBe("fifo");
        Nodes.Entries(dir).ShouldBe(["pipe"]);
    }

    [Fact]
    public void Dash_is_standard_output()
    {
        var r = CliHarness.Run([.. VerbArgs("scan"), "-o", "-"]);
        r.ExitCode.ShouldBe(0, r.Error);
        r.Out.ShouldBe(CliHarness.Run(VerbArgs("scan")).Out);
        File.Exists("-").ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(EveryVerb), MemberType = typeof(CliFixtures))]
    public void Output_to_a_directory_is_exit_74_with_one_clear_line(string verb)
    {
        var dir = Temp("out-dir");
        var r = CliHarness.Run([.. VerbArgs(verb), "-o", dir]);
        r.ExitCode.ShouldBe(ExitCodes.IoError);
        r.Error.ShouldBe($"amiaudit: cannot write {dir}: is a directory\n");
        Nodes.Entries(dir).ShouldBeEmpty();
    }

    [Fact]
    public void Empty_output_path_is_exit_74_not_a_bug()
    {
        var r = CliHarness.Run([.. VerbArgs("scan"), "-o", ""]);
        r.ExitCode.ShouldBe(ExitCodes.IoError);
        r.Error.ShouldBe("amiaudit: cannot write '': empty path\n");
    }

    [Fact]
    public void Output_under_a_regular_file_is_exit_74()
    {
        var file = Path.Combine(Temp("out-notdir"), "file");
        File.WriteAllText(file, "x");
        var r = CliHarness.Run([.. VerbArgs("scan"), "-o", Path.Combine(file, "out.json")]);
        r.ExitCode.ShouldBe(ExitCodes.IoError);
        r.Error.ShouldStartWith($"amiaudit: cannot write {Path.Combine(file, "out.json")}: ");
        r.Error.ShouldNotContain("bug");
    }

    [Fact]
    public void A_regular_file_is_replaced_whole_keeping_its_mode_and_no_temp_file_is_left()
    {
        var dir = Temp("out-reg");
        var target = Path.Combine(dir, "report.json");
        File.WriteAllText(target, "previous");
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var r = CliHarness.Run([.. VerbArgs("scan"), "-o", target]);
        r.ExitCode.ShouldBe(0, r.Error);
        File.ReadAllText(target).ShouldBe(CliHarness.Run(VerbArgs("scan")).Out);
        File.GetUnixFileMode(target).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Nodes.Entries(dir).ShouldBe(["report.json"]);
    }

    [Fact]
    public void A_new_file_is_created_in_a_new_directory()
    {
        var target = Path.Combine(Temp("out-new"), "sub", "report.json");
        CliHarness.Run([.. VerbArgs("scan"), "-o", target]).ExitCode.ShouldBe(0);
        File.ReadAllText(target).ShouldStartWith("{");
        Nodes.Entries(Path.GetDirectoryName(target)!).ShouldBe(["report.json"]);
    }

    [Fact]
    public void Output_through_a_symlink_replaces_the_file_it_names_and_keeps_the_link()
    {
        var dir = Temp("out-link");
        var real = Path.Combine(dir, "real.json");
        File.WriteAllText(real, "previous");
        var link = Path.Combine(dir, "current.json");
        File.CreateSymbolicLink(link, "real.json");
        CliHarness.Run([.. VerbArgs("scan"), "-o", link]).ExitCode.ShouldBe(0);
        new FileInfo(link).LinkTarget.ShouldBe("real.json");
        File.ReadAllText(real).ShouldStartWith("{");
        Nodes.Entries(dir).ShouldBe(["current.json", "real.json"]);
    }

    public static TheoryData<string> OutputIsAnInputCases() => new()
    {
        "diff a.json b.json -o a.json",
        "diff a.json b.json -o DIR/./sub/../a.json",
        "diff a.json b.json -o symlink-to-a.json",
        "diff a.json b.json -o hardlink-to-a.json",
        "scan --snapshot s -o s",
        "scan --policy p.yaml -o p.yaml",
        "scan --policy policies/ -o policies/new.yaml",
        "scan --waivers w.yaml -o w.yaml",
        "diff folder-a folder-b -o folder-a/n1.json",
        "diff folder-a folder-b -o hardlink-to-folder-a/n1.json",
        "diff --config c.yaml env-a env-b -o c.yaml",
        "probe --kernel-log k -o k",
    };

    [Theory]
    [MemberData(nameof(OutputIsAnInputCases))]
    public void An_output_that_is_one_of_the_inputs_is_refused_before_any_work(string @case)
    {
        var dir = Temp("out-input");
        string F(string name) => Path.Combine(dir, name);
        File.Copy(Path.Combine(ZoneA, "ip-10-1-16-47.json"), F("a.json"));
        File.Copy(Path.Combine(ZoneB, Directory.GetFiles(ZoneB)[0]), F("b.json"));
        File.Copy(DlamiSnapshot, F("s"));
        Directory.CreateDirectory(F("sub"));
        string[] args;
        string victim;
        switch (@case)
        {
            case "diff a.json b.json -o a.json":
                (args, victim) = (["diff", F("a.json"), F("b.json"), "-o", F("a.json")], F("a.json"));
                break;
            case "diff a.json b.json -o DIR/./sub/../a.json":
                (args, victim) = (["diff", F("a.json"), F("b.json"), "-o", dir + "/./sub/../a.json"], F("a.json"));
                break;
            case "diff a.json b.json -o symlink-to-a.json":
                File.CreateSymbolicLink(F("link.json"), F("a.json"));
                (args, victim) = (["diff", F("a.json"), F("b.json"), "-o", F("link.json")], F("a.json"));
                break;
            case "diff a.json b.json -o hardlink-to-a.json":
                Nodes.Tool("ln", F("a.json"), F("sub/hard.json"));
                (args, victim) = (["diff", F("a.json"), F("b.json"), "-o", F("sub/hard.json")], F("a.json"));
                break;
            case "scan --snapshot s -o s":
                (args, victim) = (["scan", "--snapshot", F("s"), "-o", F("s")], F("s"));
                break;
            case "scan --policy p.yaml -o p.yaml":
                File.WriteAllText(F("p.yaml"), Policy());
                (args, victim) = (["scan", "--snapshot", F("s"), "--policy", F("p.yaml"), "-o", F("p.yaml")], F("p.yaml"));
                break;
            case "scan --policy policies/ -o policies/new.yaml":
                Directory.CreateDirectory(F("policies"));
                File.WriteAllText(F("policies/p.yaml"), Policy());
                (args, victim) = (["scan", "--snapshot", F("s"), "--policy", F("policies"), "-o", F("policies/new.yaml")], F("policies/new.yaml"));
                break;
            case "scan --waivers w.yaml -o w.yaml":
                File.WriteAllText(F("w.yaml"), "apiVersion: amiaudit/v1\nkind: Waivers\nwaivers: []\n");
                (args, victim) = (["scan", "--snapshot", F("s"), "--waivers", F("w.yaml"), "-o", F("w.yaml")], F("w.yaml"));
                break;
            case "diff folder-a folder-b -o folder-a/n1.json":
                CopyDir(ZoneA, F("folder-a"));
                CopyDir(ZoneB, F("folder-b"));
                (args, victim) = (["diff", F("folder-a"), F("folder-b"), "-o", F("folder-a/ip-10-1-16-47.json")], F("folder-a/ip-10-1-16-47.json"));
                break;
            case "diff folder-a folder-b -o hardlink-to-folder-a/n1.json":
                CopyDir(ZoneA, F("folder-a"));
                CopyDir(ZoneB, F("folder-b"));
                Nodes.Tool("ln", F("folder-a/ip-10-1-16-47.json"), F("sub/n1.json"));
                (args, victim) = (["diff", F("folder-a"), F("folder-b"), "-o", F("sub/n1.json")], F("folder-a/ip-10-1-16-47.json"));
                break;
            case "diff --config c.yaml env-a env-b -o c.yaml":
                File.WriteAllText(F("c.yaml"), $"environments:\n  env-a: {{ snapshots: {ZoneA} }}\n  env-b: {{ snapshots: {ZoneB} }}\n");
                (args, victim) = (["diff", "--config", F("c.yaml"), "env-a", "env-b", "-o", F("c.yaml")], F("c.yaml"));
                break;
            case "probe --kernel-log k -o k":
                File.WriteAllText(F("k"), "[    1.000000] ena 0000:00:05.0: Elastic Network Adapter (ENA) v2.8.0\n");
                (args, victim) = (["probe", "ena", "--host-root", ProbeHost(), "--kernel-log", F("k"), "-o", F("k")], F("k"));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(@case));
        }
        var before = File.Exists(victim) ? File.ReadAllBytes(victim) : null;
        var r = CliHarness.Run(args);
        r.ExitCode.ShouldBe(ExitCodes.Usage, r.Error);
        r.Error.ShouldContain("is also an input");
        r.Error.Trim().Split('\n').Length.ShouldBe(1);
        if (before is null) File.Exists(victim).ShouldBeFalse();
        else File.ReadAllBytes(victim).ShouldBe(before);
    }

    [Fact]
    public void An_output_beside_the_inputs_is_fine()
    {
        var dir = Temp("out-beside");
        File.Copy(Path.Combine(ZoneA, "ip-10-1-16-47.json"), Path.Combine(dir, "a.json"));
        File.Copy(Directory.GetFiles(ZoneB)[0], Path.Combine(dir, "b.json"));
        var r = CliHarness.Run("diff", Path.Combine(dir, "a.json"), Path.Combine(dir, "b.json"), "-o", Path.Combine(dir, "diff.txt"));
        r.ExitCode.ShouldBe(0, r.Error);
        File.ReadAllText(Path.Combine(dir, "diff.txt")).ShouldStartWith("amiaudit diff:");
    }

    private static void CopyDir(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }
}
