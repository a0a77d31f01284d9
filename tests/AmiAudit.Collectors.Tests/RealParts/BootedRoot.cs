using System.Diagnostics;
using System.Globalization;
using AmiAudit.Collectors.Live.Process;

namespace AmiAudit.Collectors.Tests.RealParts;

/// <summary>
/// A cached root booted for real: an overlay mount (the cached root as the read-only lower layer, a
/// temp directory as the upper) so the root can be changed on purpose and booted without copying
/// it, then <c>systemd-nspawn -D … -b</c> with its own network namespace (so daemons that set up
/// iptables, like dockerd, work as on a VM). <see cref="Settle"/> waits until the boot is over and
/// no job is left; <see cref="Outcome"/> reads what systemd says about every unit.
/// Stopped by the nspawn PID (SIGTERM = orderly poweroff), overlay unmounted, temp removed.
/// </summary>
public sealed class BootedRoot : IDisposable
{
    private readonly string _dir;
    private System.Diagnostics.Process? _nspawn;
    private bool _mounted;

    public BootedRoot(string lower)
    {
        if (!File.Exists("/usr/bin/systemd-nspawn")) throw new InvalidOperationException("systemd-nspawn missing: run scripts/install-test-deps.sh");
        _dir = Directory.CreateTempSubdirectory("amiaudit-boot-").FullName;
        Root = Path.Combine(_dir, "root");
        foreach (var d in (string[])["upper", "work", "root"]) Directory.CreateDirectory(Path.Combine(_dir, d));
        var (code, output) = DebianRoot.Run("mount", "-t", "overlay", "overlay", "-o",
            $"lowerdir={lower},upperdir={Path.Combine(_dir, "upper")},workdir={Path.Combine(_dir, "work")}", Root);
        if (code != 0)
        {
            Directory.Delete(_dir, recursive: true);
            throw new InvalidOperationException("overlay mount failed: " + output);
        }
        _mounted = true;
    }

    /// <summary>Host path of the (writable) merged root.</summary>
    public string Root { get; }

    /// <summary>Host PID of the container's systemd.</summary>
    public int Pid { get; private set; }

    public TimeSpan BootTime { get; private set; }

    public IProcessRunner Runner => new NamespaceProcessRunner(SystemProcessRunner.Instance, Pid);

    public string Log => File.Exists(Path.Combine(_dir, "nspawn.log")) ? File.ReadAllText(Path.Combine(_dir, "nspawn.log")) : "";

    /// <summary>Boots the root and waits until systemd has finished starting and no job is queued.</summary>
    public void Boot(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        // --console=passive: no tty here; --register=no --keep-unit: this host runs no systemd/machined.
        _nspawn = System.Diagnostics.Process.Start(new ProcessStartInfo("/bin/sh",
        [
            "-c", "exec systemd-nspawn -D \"$1\" --register=no --keep-unit --private-network -b --console=passive >\"$2/nspawn.log\" 2>&1", "sh", Root, _dir,
        ]) { UseShellExecute = false })!;
        var deadline = DateTime.UtcNow + timeout;
        while (Pid == 0 && DateTime.UtcNow < deadline && !_nspawn.HasExited)
        {
            Pid = ChildSystemd(_nspawn.Id);
            if (Pid == 0) Thread.Sleep(100);
        }
        if (Pid == 0) throw new InvalidOperationException("no systemd child of systemd-nspawn\n" + Log);
        string state = "";
        while (DateTime.UtcNow < deadline)
        {
            state = Run("systemctl", "is-system-running").Stdout.Trim();
            if (state is "running" or "degraded") break;
            Thread.Sleep(250);
        }
        if (state is not ("running" or "degraded")) throw new InvalidOperationException($"systemd did not finish booting ({state})\n" + Log);
        Settle(deadline);
        BootTime = watch.Elapsed;
    }

    /// <summary>Waits (until the deadline) for two consecutive empty job lists a second apart: restarts and timers that fire at boot are over.</summary>
    private void Settle(DateTime deadline)
    {
        var quiet = 0;
        while (DateTime.UtcNow < deadline && quiet < 2)
        {
            quiet = Run("systemctl", "list-jobs", "--no-legend").Stdout.Trim().Length == 0 ? quiet + 1 : 0;
            Thread.Sleep(1000);
        }
    }

    public ProcessResult Run(string file, params string[] args) =>
        Runner.Run(new ProcessRequest(file, args)
        {
            Timeout = TimeSpan.FromSeconds(30),
            Environment = new Dictionary<string, string> { ["SYSTEMD_PAGER"] = "", ["SYSTEMD_COLORS"] = "0" },
        });

    private static int ChildSystemd(int parent)
    {
        var children = $"/proc/{parent}/task/{parent}/children";
        if (!File.Exists(children)) return 0;
        foreach (var p in File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists($"/proc/{p}/comm") && File.ReadAllText($"/proc/{p}/comm").Trim() == "systemd")
                return int.Parse(p, CultureInfo.InvariantCulture);
        return 0;
    }

    public void Dispose()
    {
        if (_nspawn is { HasExited: false })
        {
            // systemd-nspawn turns SIGTERM into an orderly poweroff of the container.
            SystemProcessRunner.Instance.Run(new ProcessRequest("kill", ["-TERM", _nspawn.Id.ToString(CultureInfo.InvariantCulture)]));
            if (!_nspawn.WaitForExit(TimeSpan.FromSeconds(60))) _nspawn.Kill(entireProcessTree: true);
        }
        _nspawn?.Dispose();
        if (_mounted && DebianRoot.Run("umount", Root).Code == 0) _mounted = false;
        if (!_mounted)
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
