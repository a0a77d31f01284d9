using System.Diagnostics;

namespace AmiAudit.Collectors.Tests.RealParts;

/// <summary>
/// A real Debian bookworm root with systemd, systemd-sysv and dbus installed, built once with
/// debootstrap by scripts/make-debian-root.sh and cached (the script skips work when its marker file
/// exists). Use as an xunit class/collection fixture; tests that change the root must work on
/// <see cref="CopyTo"/>. AMIAUDIT_DEBIAN_ROOT points at another (already built) root.
/// </summary>
public sealed class DebianRoot
{
    public const string DefaultPath = "/var/cache/amiaudit/debian-bookworm-systemd";

    private static readonly Lazy<string> Built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Host path of the root (read-only by convention).</summary>
    public string Path => Built.Value;

    /// <summary>Repository root (the directory holding scripts/make-debian-root.sh).</summary>
    public static string RepoRoot => AmiAudit.Testing.RepoPaths.Root;

    /// <summary>cp -a of the root into a fresh directory under <paramref name="parent"/>; returns its path.</summary>
    public string CopyTo(string parent)
    {
        var target = System.IO.Path.Combine(parent, "root");
        var (code, output) = Run("cp", "-a", Path, target);
        if (code != 0) throw new InvalidOperationException($"cp -a {Path} {target} failed ({code}): {output}");
        return target;
    }

    /// <summary>Runs a command, returning exit code and stdout followed by stderr (never throws for a non-zero exit).</summary>
    public static (int Code, string Output) Run(string file, params string[] args)
    {
        var (code, stdout, stderr) = RunSplit(file, args);
        return (code, stdout + stderr);
    }

    /// <summary>Runs a command, returning exit code, stdout and stderr separately.</summary>
    public static (int Code, string Stdout, string Stderr) RunSplit(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["SYSTEMD_PAGER"] = "";
        psi.Environment["SYSTEMD_COLORS"] = "0";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + file);
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr.Result);
    }

    private static string Build()
    {
        var custom = Environment.GetEnvironmentVariable("AMIAUDIT_DEBIAN_ROOT");
        if (!string.IsNullOrEmpty(custom))
        {
            if (!Directory.Exists(custom)) throw new InvalidOperationException($"AMIAUDIT_DEBIAN_ROOT={custom} does not exist");
            return custom;
        }
        var script = System.IO.Path.Combine(RepoRoot, "scripts", "make-debian-root.sh");
        var (code, output) = Run("bash", script, DefaultPath);
        if (code != 0)
            throw new InvalidOperationException($"{script} failed with exit code {code}:\n{Tail(output)}");
        return DefaultPath;
    }

    private static string Tail(string s) => s.Length <= 4000 ? s : s[^4000..];
}
