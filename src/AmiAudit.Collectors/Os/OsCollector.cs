using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Os;

/// <summary>
/// Distribution (os-release), kernel and hostname. Offline the kernel is only known when the image
/// holds exactly one (/lib/modules/&lt;ver&gt; or /boot/vmlinuz-&lt;ver&gt;): with two, which one boots is the
/// boot loader's decision, and guessing would make two identical images look different.
/// </summary>
public sealed class OsCollector : ICollector
{
    private const long SmallFileCap = 64 * 1024;

    public string Name => "os";
    public int Order => 5;
    public bool AppliesTo(CollectionMode mode) => true;

    public Snapshot Collect(CollectionContext context, Snapshot snapshot)
    {
        var fs = context.Fs;
        var release = ReadOsRelease(fs);
        var kernel = context.Mode == CollectionMode.Live ? RunningKernel(context) ?? InstalledKernel(fs) : InstalledKernel(fs);

        var os = new OsInfo
        {
            Id = release.GetValueOrDefault("ID"),
            VersionId = release.GetValueOrDefault("VERSION_ID"),
            PrettyName = release.GetValueOrDefault("PRETTY_NAME"),
            Kernel = kernel,
        };
        if (release.Count == 0)
            fs.Note(Name, "unavailable", "no /etc/os-release or /usr/lib/os-release in the root", "/etc/os-release", "info");

        var target = snapshot.Target;
        if (target.Hostname is null)
        {
            var hostname = fs.ReadText("/etc/hostname", SmallFileCap)?.Split('\n')[0].Trim();
            if (!string.IsNullOrEmpty(hostname)) target = target with { Hostname = hostname };
        }
        return snapshot with { Os = os, Target = target };
    }

    /// <summary>os-release(5): /etc/os-release, falling back to /usr/lib/os-release.</summary>
    internal static Dictionary<string, string> ReadOsRelease(RootFileSystem fs)
    {
        var text = fs.ReadText("/etc/os-release", SmallFileCap) ?? fs.ReadText("/usr/lib/os-release", SmallFileCap);
        return text is null ? new Dictionary<string, string>(StringComparer.Ordinal) : OsRelease.Parse(text);
    }

    private static string? InstalledKernel(RootFileSystem fs)
    {
        var modules = fs.List("/lib/modules").Where(e => e.Kind == EntryKind.Directory).Select(e => e.Name).ToList();
        if (modules.Count == 1) return modules[0];
        if (modules.Count > 1) return null;
        var images = fs.List("/boot")
            .Where(e => e.Kind == EntryKind.File && e.Name.StartsWith("vmlinuz-", StringComparison.Ordinal))
            .Select(e => e.Name["vmlinuz-".Length..])
            .ToList();
        return images.Count == 1 ? images[0] : null;
    }

    /// <summary>In live mode the running kernel is authoritative (the installed one may await a reboot).</summary>
    private static string? RunningKernel(CollectionContext context)
    {
        var host = new RootFileSystem(context.HostRoot);
        var text = host.ReadText("/proc/sys/kernel/osrelease", 4096)?.Trim();
        return string.IsNullOrEmpty(text) ? null : text;
    }
}
