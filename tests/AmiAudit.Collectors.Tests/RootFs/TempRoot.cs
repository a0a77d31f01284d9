using System.Diagnostics;
using AmiAudit.Collectors;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Tests.RootFs;

/// <summary>A throw-away image root on disk (real files, links, FIFOs) for collector tests.</summary>
public sealed class TempRoot : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("amiaudit-root-").FullName;

    public string Host(string inRoot) => Path.Combine(Dir, inRoot.TrimStart('/'));

    public TempRoot Write(string inRoot, string content)
    {
        var p = Host(inRoot);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllText(p, content);
        return this;
    }

    public TempRoot WriteBytes(string inRoot, byte[] content)
    {
        var p = Host(inRoot);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllBytes(p, content);
        return this;
    }

    public TempRoot Mkdir(string inRoot)
    {
        Directory.CreateDirectory(Host(inRoot));
        return this;
    }

    public TempRoot Symlink(string inRoot, string target)
    {
        var p = Host(inRoot);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.CreateSymbolicLink(p, target);
        return this;
    }

    /// <summary>Runs a host tool (mkfifo, mknod); false when it is not possible here (e.g. not root).</summary>
    public bool Run(string tool, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.WaitForExit(10_000);
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public bool Fifo(string inRoot)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Host(inRoot))!);
        return Run("mkfifo", Host(inRoot));
    }

    public CollectionContext Context(IReadOnlyList<string>? extraBinaries = null, string resolver = Resolvers.Openat2) =>
        new() { Fs = Resolvers.Create(Dir, resolver), ExtraBinaries = extraBinaries ?? [] };

    public (Snapshot Snapshot, CollectionContext Context) Collect(ICollector collector, Snapshot? seed = null)
    {
        var ctx = Context();
        return (collector.Collect(ctx, seed ?? new Snapshot()), ctx);
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The ways RootFileSystem reaches a file (see RootFileSystem.Descriptors.cs): tests that
/// prove confinement run each, so the fallbacks are proven on a kernel that has openat2.</summary>
public static class Resolvers
{
    public const string Openat2 = "openat2";
    public const string Walk = "walk";
    public const string WalkWithoutProc = "walk-noproc";
    public const string Openat2WithoutProc = "openat2-noproc";

    public static TheoryData<string> All => [Openat2, Walk, WalkWithoutProc, Openat2WithoutProc];

    public static RootFileSystem Create(string dir, string resolver) => resolver switch
    {
        Openat2 => new RootFileSystem(dir),
        Walk => new RootFileSystem(dir) { UseOpenat2 = false },
        WalkWithoutProc => new RootFileSystem(dir) { UseOpenat2 = false, ReopenThroughProc = false },
        Openat2WithoutProc => new RootFileSystem(dir) { ReopenThroughProc = false },
        _ => throw new ArgumentOutOfRangeException(nameof(resolver), resolver, null),
    };
}
