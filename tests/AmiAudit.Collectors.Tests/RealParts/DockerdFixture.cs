using System.Diagnostics;
using AmiAudit.Collectors.Docker.Api;
using AmiAudit.Collectors.Live.Process;

namespace AmiAudit.Collectors.Tests.RealParts;

/// <summary>
/// A real dockerd on a private socket in a short temp dir (sun_path ≤ 108 bytes), with a busybox
/// image imported from the busybox-static package — no registry. Stopped by PID in Dispose.
/// Missing binaries fail the tests (install with scripts/install-test-deps.sh): never a silent skip.
/// </summary>
public sealed class DockerdFixture : IDisposable
{
    public const string Image = "busybox:test";
    private readonly System.Diagnostics.Process _daemon;

    public DockerdFixture()
    {
        foreach (var tool in new[] { "/usr/sbin/dockerd", "/bin/busybox" })
            if (!File.Exists(tool)) throw new InvalidOperationException($"{tool} missing: run scripts/install-test-deps.sh");
        Dir = Directory.CreateTempSubdirectory("aad").FullName;
        SocketPath = Path.Combine(Dir, "d.sock");
        // exec keeps the PID: the one we started is dockerd itself.
        _daemon = System.Diagnostics.Process.Start(new ProcessStartInfo("/bin/sh",
        [
            "-c", "exec dockerd -H \"unix://$1\" --data-root \"$2/data\" --exec-root \"$2/exec\" --pidfile \"$2/d.pid\" " +
                  "--bridge=none --iptables=false --ip6tables=false >\"$2/dockerd.log\" 2>&1", "sh", SocketPath, Dir,
        ]) { UseShellExecute = false })!;

        using var client = new DockerDotNetEngineApi(SocketPath, TimeSpan.FromSeconds(2));
        var ready = false;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); !ready && DateTime.UtcNow < deadline && !_daemon.HasExited;)
        {
            try { ready = client.PingAsync(default).GetAwaiter().GetResult() == "OK"; }
            catch (DockerEngineUnavailableException) { Thread.Sleep(250); }
        }
        if (!ready) { var log = Log; Dispose(); throw new InvalidOperationException("dockerd did not answer /_ping:\n" + log); }

        var rootfs = Path.Combine(Dir, "rootfs");
        Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
        File.Copy("/bin/busybox", Path.Combine(rootfs, "bin/busybox"));
        foreach (var applet in new[] { "sh", "sleep" }) File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
        Must(Run("tar", "-C", rootfs, "-cf", Path.Combine(Dir, "rootfs.tar"), "."));
        Must(Docker("import", Path.Combine(Dir, "rootfs.tar"), Image));
    }

    public string Dir { get; }
    public string SocketPath { get; }
    public string Log => File.Exists(Path.Combine(Dir, "dockerd.log")) ? File.ReadAllText(Path.Combine(Dir, "dockerd.log")) : "";

    public ProcessResult Docker(params string[] args) => Run("docker", ["-H", "unix://" + SocketPath, .. args]);

    public static ProcessResult Run(string file, params string[] args) =>
        SystemProcessRunner.Instance.Run(new ProcessRequest(file, args) { Timeout = TimeSpan.FromSeconds(60) });

    public static string Must(ProcessResult r) =>
        r.Succeeded ? r.Stdout.Trim() : throw new InvalidOperationException($"exit {r.ExitCode} {r.StartError}: {r.Stderr}");

    public void Dispose()
    {
        // SIGTERM lets dockerd stop its containers and unmount their layers; SIGKILL only if it hangs.
        if (!_daemon.HasExited)
        {
            Run("kill", "-TERM", _daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!_daemon.WaitForExit(TimeSpan.FromSeconds(30))) _daemon.Kill(entireProcessTree: true);
        }
        _daemon.Dispose();
        // Anything still mounted below our dir (overlay layers after a hard kill) must go before rm.
        var mounts = File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4])
            .Where(m => m.StartsWith(Dir + "/", StringComparison.Ordinal)).OrderByDescending(m => m.Length);
        foreach (var m in mounts) Run("umount", "-l", m);
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
