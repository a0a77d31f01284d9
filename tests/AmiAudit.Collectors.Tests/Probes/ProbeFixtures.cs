using System.Runtime.CompilerServices;

namespace AmiAudit.Collectors.Tests.Probes;

/// <summary>Committed fixtures (found from this source file, no csproj copy rules) and throw-away host trees.</summary>
internal static class ProbeFixtures
{
    public static string Dir([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "Fixtures", "probes"));

    public static string Path_(string relative) => Path.Combine(Dir(), relative);

    public static string Text(string relative) => File.ReadAllText(Path_(relative));

    /// <summary>A write-only sysfs attribute: open(O_RDONLY) fails with EACCES even for root.</summary>
    public static string? UnreadableForRoot() =>
        new[] { "/sys/class/zram-control/hot_remove", "/sys/bus/pci/rescan", "/sys/kernel/notes_does_not_exist" }
            .FirstOrDefault(File.Exists);
}

/// <summary>A temporary host root ("proc/", "sys/" …) deleted on dispose.</summary>
internal sealed class HostTree : IDisposable
{
    public HostTree()
    {
        Root = Directory.CreateTempSubdirectory("amiaudit-probe-").FullName;
    }

    public string Root { get; }

    public HostTree Write(string relative, string content)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    public HostTree Dir(string relative)
    {
        Directory.CreateDirectory(Path.Combine(Root, relative));
        return this;
    }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public void Dispose()
    {
        try
        {
            foreach (var f in Directory.EnumerateFileSystemEntries(Root, "*", SearchOption.AllDirectories))
                if (!OperatingSystem.IsWindows() && !File.GetAttributes(f).HasFlag(FileAttributes.ReparsePoint)) File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
