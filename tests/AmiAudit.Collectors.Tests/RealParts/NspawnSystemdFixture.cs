using System.Diagnostics;
using System.Globalization;
using AmiAudit.Collectors.Live.Process;

namespace AmiAudit.Collectors.Tests.RealParts;

/// <summary>
/// A real systemd booted with systemd-nspawn on a copy of the cached debootstrap root
/// (<see cref="DebianRoot"/>), with crashloop.service (Restart=always, RestartSec=1, exits 1)
/// enabled. Commands reach it through nsenter into its PID 1 — the same
/// <see cref="NamespaceProcessRunner"/> the collector uses for --host-root.
/// Stopped by the nspawn PID (SIGTERM = orderly poweroff) in Dispose.
/// </summary>
public sealed class NspawnSystemdFixture : IDisposable
{
    public const string Unit = "crashloop.service";
    private readonly System.Diagnostics.Process _nspawn;

    public NspawnSystemdFixture()
    {
        if (!File.Exists("/usr/bin/systemd-nspawn")) throw new InvalidOperationException("systemd-nspawn missing: run scripts/install-test-deps.sh");
        Dir = Directory.CreateTempSubdirectory("aan").FullName;
        try { Root = new DebianRoot().CopyTo(Dir); }
        catch { Directory.Delete(Dir, recursive: true); throw; }
        // StartLimitIntervalSec=0: without it the default 5 starts / 10 s limit ends the loop at NRestarts=5.
        File.WriteAllText(Path.Combine(Root, "etc/systemd/system", Unit), """
            [Unit]
            Description=AmiAudit crash loop test unit
            StartLimitIntervalSec=0

            [Service]
            Restart=always
            RestartSec=1
            ExecStart=/bin/sh -c 'exit 1'

            [Install]
            WantedBy=multi-user.target
            """);
        var wants = Path.Combine(Root, "etc/systemd/system/multi-user.target.wants");
        Directory.CreateDirectory(wants);
        File.CreateSymbolicLink(Path.Combine(wants, Unit), "/etc/systemd/system/" + Unit);

        BootedAt = DateTimeOffset.UtcNow;
        // --console=passive: no tty here; --register=no --keep-unit: this host runs no systemd/machined.
        _nspawn = System.Diagnostics.Process.Start(new ProcessStartInfo("/bin/sh",
        [
            "-c", "exec systemd-nspawn -D \"$1\" --register=no --keep-unit -b --console=passive >\"$2/nspawn.log\" 2>&1", "sh", Root, Dir,
        ]) { UseShellExecute = false })!;

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Pid == 0 && DateTime.UtcNow < deadline && !_nspawn.HasExited)
        {
            Pid = ChildSystemd(_nspawn.Id);
            if (Pid == 0) Thread.Sleep(100);
        }
        if (Pid == 0) Fail("no systemd child of systemd-nspawn");
        Runner = new NamespaceProcessRunner(SystemProcessRunner.Instance, Pid);
        string state = "";
        while (DateTime.UtcNow < deadline)
        {
            state = Run("systemctl", "is-system-running").Stdout.Trim();
            if (state is "running" or "degraded") break;
            Thread.Sleep(200);
        }
        if (state is not ("running" or "degraded")) Fail("systemd did not finish booting: " + state);
        BootSeconds = (DateTimeOffset.UtcNow - BootedAt).TotalSeconds;
    }

    public string Dir { get; }
    public string Root { get; }
    /// <summary>Host PID of the container's systemd (its PID 1).</summary>
    public int Pid { get; }
    public DateTimeOffset BootedAt { get; }
    public double BootSeconds { get; }
    public IProcessRunner Runner { get; }
    public string Log => File.Exists(Path.Combine(Dir, "nspawn.log")) ? File.ReadAllText(Path.Combine(Dir, "nspawn.log")) : "";

    public ProcessResult Run(string file, params string[] args) =>
        Runner.Run(new ProcessRequest(file, args) { Timeout = TimeSpan.FromSeconds(20), Environment = new Dictionary<string, string> { ["SYSTEMD_PAGER"] = "" } });

    /// <summary>What systemd itself says, read the ordinary way.</summary>
    public long NRestarts()
    {
        var r = Run("systemctl", "show", "-P", "NRestarts", Unit);
        return r.Succeeded ? long.Parse(r.Stdout.Trim(), CultureInfo.InvariantCulture) : throw new InvalidOperationException(r.Describe(new ProcessRequest("systemctl", ["show"])));
    }

    private static int ChildSystemd(int parent)
    {
        var children = $"/proc/{parent}/task/{parent}/children";
        if (!File.Exists(children)) return 0;
        foreach (var p in File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists($"/proc/{p}/comm") && File.ReadAllText($"/proc/{p}/comm").Trim() == "systemd")
                return int.Parse(p, CultureInfo.InvariantCulture);
        return 0;
    }

    private void Fail(string why)
    {
        var log = Log;
        Dispose();
        throw new InvalidOperationException(why + "\n" + log);
    }

    public void Dispose()
    {
        if (!_nspawn.HasExited)
        {
            // systemd-nspawn turns SIGTERM into an orderly poweroff of the container.
            SystemProcessRunner.Instance.Run(new ProcessRequest("kill", ["-TERM", _nspawn.Id.ToString(CultureInfo.InvariantCulture)]));
            if (!_nspawn.WaitForExit(TimeSpan.FromSeconds(30))) _nspawn.Kill(entireProcessTree: true);
        }
        _nspawn.Dispose();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
