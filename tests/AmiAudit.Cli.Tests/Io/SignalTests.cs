using System.Diagnostics;
using AmiAudit.Cli.Infrastructure;
using static AmiAudit.Cli.Tests.Io.CliFixtures;

namespace AmiAudit.Cli.Tests.Io;

/// <summary>
/// Issue 8, defect 9: SIGINT was ignored — collect/scan/diff ran to completion and overwrote the output.
/// The real process (Debug apphost, or the NativeAOT binary with AMIAUDIT_AOT_BIN) is stopped mid-work by
/// kill(2): exit 130 / 143 within about a second, the previous output byte for byte, no temp file.
/// </summary>
[Trait("Category", "RealParts")]
public class SignalTests
{
    private const int SigInt = 2, SigTerm = 15;
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(1.5);

    public static TheoryData<string, int> VerbsAndSignals()
    {
        var data = new TheoryData<string, int>();
        foreach (var verb in new[] { "probe", "collect", "scan", "diff" })
        {
            data.Add(verb, SigInt);
            data.Add(verb, SigTerm);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(VerbsAndSignals))]
    public void A_signal_stops_the_verb_promptly_and_keeps_the_previous_output(string verb, int signal)
    {
        var outDir = Temp("sig-out");
        var output = Path.Combine(outDir, "previous.out");
        File.WriteAllText(output, "the previous, complete output\n");
        var (args, marker, input) = SlowRun(verb);
        try
        {
            Interrupt(signal, outDir, output, args, marker);
        }
        finally
        {
            // 20,000 directory entries or 2 GiB of sparse files: not left in /tmp.
            if (input is not null) Directory.Delete(input, recursive: true);
            Directory.Delete(outDir, recursive: true);
        }
    }

    /// <summary>
    /// Starts the CLI with SIGINT and SIGTERM back at their default disposition. A test run launched in the
    /// background of a non-interactive shell (`.ci/run &`) inherits SIGINT as ignored, and POSIX keeps an
    /// inherited SIG_IGN across exec — so does amiaudit, on purpose (docs/security.md); the test is about
    /// what a user's Ctrl-C does, so it gives the process the disposition a terminal would.
    /// </summary>
    private static readonly string[] DefaultSignals =
        ["python3", "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); signal.signal(signal.SIGTERM, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"];

    private static void Interrupt(int signal, string outDir, string output, string[] args, string marker)
    {
        using var running = CliProcess.Start(DefaultSignals, [.. args, "-o", output], new Dictionary<string, string> { ["AMIAUDIT_TRACE"] = "1" });
        running.WaitForError(marker, TimeSpan.FromSeconds(60));
        Thread.Sleep(150); // well inside the slow part
        var sent = Stopwatch.StartNew();
        running.Signal(signal);
        var r = running.Wait(TimeSpan.FromSeconds(30));
        var stopTime = sent.Elapsed;

        r.ExitCode.ShouldBe(signal == SigInt ? ExitCodes.Interrupted : ExitCodes.Terminated, r.Error);
        stopTime.ShouldBeLessThan(Prompt, $"stopped {stopTime.TotalMilliseconds:F0} ms after the signal");
        r.Error.ShouldContain($"interrupted by {(signal == SigInt ? "SIGINT" : "SIGTERM")}");
        File.ReadAllText(output).ShouldBe("the previous, complete output\n");
        Nodes.Entries(outDir).ShouldBe(["previous.out"]);
    }

    /// <summary>A command line that stays busy for many seconds, and the stderr trace line that says it got there.</summary>
    private static (string[] Args, string Marker, string? Input) SlowRun(string verb)
    {
        switch (verb)
        {
            case "probe":
                // The CPU probe's sampling window: 30 s of sleeping between /proc/stat reads.
                return (["probe", "cpu", "--window", "30s", "--format", "json"], "trace:", null);
            case "collect" or "scan":
                // Hashing four 512 MiB (sparse) node-agent binaries: seconds inside one collector.
                var root = SlowRoot();
                return (verb == "scan" ? ["scan", "--root", root, "--format", "json"] : ["collect", "--root", root], "collector binaries", root);
            case "diff":
                // Thousands of snapshots (hard links to one file: no disk space) streamed and parsed.
                var folder = BigFolder();
                return (["diff", folder, ZoneB, "--format", "json"], "diff: sides resolved", folder);
            default:
                throw new ArgumentOutOfRangeException(nameof(verb));
        }
    }

    private static string SlowRoot()
    {
        var root = Temp("sig-root");
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        File.WriteAllText(Path.Combine(root, "etc", "os-release"), "ID=debian\nPRETTY_NAME=\"slow\"\n");
        Directory.CreateDirectory(Path.Combine(root, "usr", "bin"));
        Directory.CreateDirectory(Path.Combine(root, "usr", "libexec"));
        foreach (var bin in new[] { "usr/bin/kubelet", "usr/bin/kubectl", "usr/bin/containerd", "usr/libexec/amazon-ecs-init" })
            using (var f = File.Create(Path.Combine(root, bin))) f.SetLength(512L * 1024 * 1024);
        return root;
    }

    private static string BigFolder()
    {
        var dir = Temp("sig-diff");
        var source = Path.Combine(dir, "source.json.src");
        File.Copy(Path.Combine(ZoneA, "ip-10-1-16-47.json"), source);
        for (var i = 0; i < 20_000; i++)
            Nodes.HardLink(source, Path.Combine(dir, $"n{i:D5}.json"));
        return dir;
    }
}
