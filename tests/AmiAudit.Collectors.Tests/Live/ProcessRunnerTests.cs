using System.Diagnostics;
using AmiAudit.Collectors.Live.Process;

namespace AmiAudit.Collectors.Tests.Live;

public class ProcessRunnerTests
{
    private static readonly SystemProcessRunner Runner = SystemProcessRunner.Instance;

    [Fact]
    public void Captures_stdout_stderr_and_exit_code()
    {
        var r = Runner.Run(new ProcessRequest("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"]));
        (r.Stdout, r.Stderr, r.ExitCode, r.Succeeded, r.TimedOut).ShouldBe(("out\n", "err\n", 3, false, false));
    }

    [Fact]
    public void Timeout_kills_the_whole_tree_quickly()
    {
        var watch = Stopwatch.StartNew();
        // The grandchild keeps stdout open: killing only sh would leave us waiting on the pipe.
        var r = Runner.Run(new ProcessRequest("/bin/sh", ["-c", "sleep 30 & echo $!; wait"]) { Timeout = TimeSpan.FromMilliseconds(500) });
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        r.TimedOut.ShouldBeTrue();
        r.ExitCode.ShouldBeNull();
        var grandchild = int.Parse(r.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        SpinWait.SpinUntil(() => !Alive(grandchild), TimeSpan.FromSeconds(3)).ShouldBeTrue($"pid {grandchild} survived the timeout");
    }

    private static bool Alive(int pid)
    {
        // A killed child not yet reaped is a zombie ("Z") — dead for our purpose.
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        try { var s = File.ReadAllText(stat); return s[(s.LastIndexOf(')') + 2)] != 'Z'; }
        catch (IOException) { return false; }
    }

    [Fact]
    public void Missing_binary_is_a_start_error_not_an_exception()
    {
        var r = Runner.Run(new ProcessRequest("/nonexistent/systemctl", ["show"]));
        r.StartError.ShouldNotBeNull();
        r.Succeeded.ShouldBeFalse();
        r.Describe(new ProcessRequest("/nonexistent/systemctl", [])).ShouldContain("could not start");
    }

    [Fact]
    public void Output_beyond_the_cap_is_drained_and_dropped()
    {
        var r = Runner.Run(new ProcessRequest("head", ["-c", "5000000", "/dev/zero"]) { MaxOutputBytes = 1000 });
        r.Stdout.Length.ShouldBe(1000);
        r.OutputTruncated.ShouldBeTrue();
        r.ExitCode.ShouldBe(0); // drained, so the writer never got SIGPIPE
    }

    [Fact]
    public void Environment_is_passed_and_stdin_is_closed()
    {
        Runner.Run(new ProcessRequest("/bin/sh", ["-c", "echo $TZ"]) { Environment = new Dictionary<string, string> { ["TZ"] = "UTC" } }).Stdout.ShouldBe("UTC\n");
        var cat = Runner.Run(new ProcessRequest("cat", []) { Timeout = TimeSpan.FromSeconds(5) });
        (cat.TimedOut, cat.ExitCode).ShouldBe((false, 0));
    }

    [Fact]
    public void Namespace_runner_prefixes_nsenter_and_keeps_the_argv_vector()
    {
        var inner = new RecordingRunner().On("nsenter", "ok");
        new NamespaceProcessRunner(inner, 4242).Run(new ProcessRequest("systemctl", ["show", "-p", "Id", "--", "-.mount"]) { Timeout = TimeSpan.FromSeconds(3) });
        var req = inner.Requests.ShouldHaveSingleItem();
        req.FileName.ShouldBe("nsenter");
        req.Arguments.ShouldBe(["-t", "4242", "-a", "--", "systemctl", "show", "-p", "Id", "--", "-.mount"]);
        req.Timeout.ShouldBe(TimeSpan.FromSeconds(3));
    }

    [Theory]
    [InlineData("/", null, "/run/systemd/system")]
    [InlineData("/host", 1, "/proc/1/root/run/systemd/system")]
    [InlineData("/host/", 1, "/proc/1/root/run/systemd/system")]
    public void Host_root_decides_where_commands_run(string hostRoot, int? pid, string checkedPath)
    {
        var t = CommandTarget.ForHostRoot(hostRoot);
        t.NamespacePid.ShouldBe(pid);
        t.HostPath("/run/systemd/system").ShouldBe(checkedPath);
    }
}
