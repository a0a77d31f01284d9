namespace AmiAudit.Fuzz.Engine;

/// <summary>
/// Image roots on disk for targets whose parser is reached through RootFileSystem (cloud-init JSON,
/// Docker container files, user-data, unit trees). One per thread and target, on tmpfs when there is one,
/// removed when the process exits.
/// </summary>
public static class Scratch
{
    private static readonly string Base = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"amiaudit-fuzz-{Environment.ProcessId}");

    [ThreadStatic] private static Dictionary<string, string>? t_roots;

    static Scratch()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Clean();
    }

    /// <summary>A root for this target on this thread (created once, reused: each input overwrites its files).</summary>
    public static string Root(string target)
    {
        t_roots ??= [];
        if (!t_roots.TryGetValue(target, out var dir))
        {
            dir = Path.Combine(Base, $"{target}-{Environment.CurrentManagedThreadId}");
            Directory.CreateDirectory(dir);
            t_roots[target] = dir;
        }
        return dir;
    }

    public static void Write(string root, string inRoot, byte[] bytes)
    {
        var path = Path.Combine(root, inRoot.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    public static void Clean()
    {
        try { if (Directory.Exists(Base)) Directory.Delete(Base, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
