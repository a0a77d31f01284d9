using AmiAudit.Collectors.RootFs;
using AmiAudit.Collectors.Systemd;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Tests.Systemd;

/// <summary>A small image root written into a temp directory by a test; deleted on dispose.</summary>
internal sealed class FixtureRoot : IDisposable
{
    public FixtureRoot()
    {
        Path = Directory.CreateTempSubdirectory("amiaudit-systemd-").FullName;
        Directory.CreateDirectory(Host("/usr/lib/systemd/system"));
        Directory.CreateDirectory(Host("/etc/systemd/system"));
    }

    public string Path { get; }

    public string Host(string inRoot) => Path + inRoot;

    public FixtureRoot File(string inRoot, string text)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Host(inRoot))!);
        System.IO.File.WriteAllText(Host(inRoot), text);
        return this;
    }

    public FixtureRoot Link(string inRoot, string target)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Host(inRoot))!);
        System.IO.File.CreateSymbolicLink(Host(inRoot), target);
        return this;
    }

    public FixtureRoot Fifo(string inRoot)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Host(inRoot))!);
        var (code, output) = RealParts.DebianRoot.Run("mkfifo", Host(inRoot));
        if (code != 0) throw new InvalidOperationException("mkfifo failed: " + output);
        return this;
    }

    public (SystemdFacts Facts, IReadOnlyList<Diagnostic> Diagnostics) Scan()
    {
        var fs = new RootFileSystem(Path);
        var facts = SystemdCollector.Scan(fs);
        return (facts, fs.Diagnostics);
    }

    public UnitFact Unit(string name) => Scan().Facts.Units.Single(u => u.Name == name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
