namespace AmiAudit.Collectors.Tests.RealParts;

/// <summary>
/// Cached stock Debian roots built by scripts/make-stock-root.sh (debootstrap from the Debian
/// mirror once, then a marker file): "bookworm-stock" (minbase + cloud-init, docker.io, containerd,
/// openssh-server, cron, rsyslog, chrony, udev) and "bookworm-systemd" (the bare minbase + systemd
/// root of <see cref="DebianRoot"/>). Each is built at most once per process; read-only by convention.
/// </summary>
public static class StockRoot
{
    public const string Stock = "bookworm-stock";
    public const string Minimal = "bookworm-systemd";

    private static readonly Dictionary<string, Lazy<string>> Built = new(StringComparer.Ordinal)
    {
        [Stock] = new(() => Build(Stock), LazyThreadSafetyMode.ExecutionAndPublication),
        [Minimal] = new(() => Build(Minimal), LazyThreadSafetyMode.ExecutionAndPublication),
    };

    /// <summary>Host path of the built root.</summary>
    public static string Path(string name) => Built[name].Value;

    private static string Build(string name)
    {
        var dir = name == Minimal ? DebianRoot.DefaultPath : "/var/cache/amiaudit/debian-" + name;
        var script = System.IO.Path.Combine(DebianRoot.RepoRoot, "scripts", "make-stock-root.sh");
        var (code, output) = DebianRoot.Run("bash", script, name, dir);
        if (code != 0)
            throw new InvalidOperationException($"{script} {name} failed with exit code {code}:\n{(output.Length <= 4000 ? output : output[^4000..])}");
        return dir;
    }
}
