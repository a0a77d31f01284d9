using System.Security.Cryptography;
using System.Text;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.RootFs;

/// <summary>One directory entry, seen without following it.</summary>
public sealed record RootEntry(string Path, string Name, EntryKind Kind, long Size, string? LinkTarget);

/// <summary>
/// Every read of an image root goes through here. Paths are resolved component by component inside
/// the root, the way the kernel would if the root were chroot(2)ed: absolute symlinks restart at the
/// root, ".." stops at the root, more than <see cref="MaxLinks"/> links is a loop. Only regular files
/// are opened, and never more than a cap, so a hostile image cannot make us read the host, hang on a
/// FIFO or device, or allocate without bound. What is skipped is recorded as a diagnostic.
/// </summary>
public sealed partial class RootFileSystem
{
    public const int MaxLinks = 40;
    public const long DefaultTextCap = 4 * 1024 * 1024;
    public const int MaxDirectoryEntries = 100_000;

    private readonly string _root;
    private readonly List<Diagnostic> _diagnostics = [];
    private readonly HashSet<(string, string)> _seen = [];

    public RootFileSystem(string hostRoot)
    {
        _root = Path.GetFullPath(hostRoot).TrimEnd('/');
        if (_root.Length == 0) _root = "";
    }

    /// <summary>Host path of the root ("" for "/").</summary>
    public string HostRoot => _root.Length == 0 ? "/" : _root;

    public IReadOnlyList<Diagnostic> Diagnostics => _diagnostics;

    /// <summary>Canonical in-root form of a path: absolute, no "." / "..", no duplicate slashes (lexical only).</summary>
    public static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var p in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (p == ".") continue;
            if (p == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(p);
        }
        return "/" + string.Join('/', parts);
    }

    public string ToHost(string inRootPath)
    {
        var n = Normalize(inRootPath);
        return _root.Length == 0 ? n : n == "/" ? _root : _root + n;
    }

    /// <summary>Follows symlinks (re-rooted). Returns the final in-root path, or null on a loop / too many links.</summary>
    public string? Resolve(string path, bool followLast = true)
    {
        var remaining = new Stack<string>(Normalize(path).Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = new List<string>();
        var links = 0;
        while (remaining.Count > 0)
        {
            var comp = remaining.Pop();
            if (comp == ".") continue;
            if (comp == "..") { if (current.Count > 0) current.RemoveAt(current.Count - 1); continue; }
            var candidate = "/" + string.Join('/', current.Append(comp));
            var (kind, _) = UnixStat.Lstat(ToHost(candidate));
            if (kind == EntryKind.Symlink && (remaining.Count > 0 || followLast))
            {
                if (++links > MaxLinks)
                {
                    Note("rootfs", "symlink-loop", $"more than {MaxLinks} symbolic links while resolving {path}; treated as missing", path);
                    return null;
                }
                var target = ReadLink(candidate) ?? "";
                if (target.StartsWith('/')) current.Clear();
                foreach (var t in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse()) remaining.Push(t);
                continue;
            }
            current.Add(comp);
            if (kind == EntryKind.Missing && remaining.Count > 0)
            {
                // Keep walking lexically so the caller gets a canonical path of a missing file.
                foreach (var rest in remaining.ToArray()) if (rest != ".") current.Add(rest);
                return Normalize("/" + string.Join('/', current));
            }
        }
        return "/" + string.Join('/', current);
    }

    /// <summary>The entry at the path, not following the last component.</summary>
    public RootEntry Lstat(string path)
    {
        var normalized = Normalize(path);
        var parent = normalized == "/" ? "/" : Resolve(normalized[..normalized.LastIndexOf('/')] is "" ? "/" : normalized[..normalized.LastIndexOf('/')]);
        var name = normalized == "/" ? "" : normalized[(normalized.LastIndexOf('/') + 1)..];
        if (parent is null) return new RootEntry(normalized, name, EntryKind.Missing, 0, null);
        var inRoot = Normalize(parent + "/" + name);
        var (kind, size) = UnixStat.Lstat(ToHost(inRoot));
        return new RootEntry(inRoot, name, kind, size, kind == EntryKind.Symlink ? ReadLink(inRoot) : null);
    }

    /// <summary>The entry after following every link (Missing on a loop).</summary>
    public RootEntry Stat(string path)
    {
        var resolved = Resolve(path);
        if (resolved is null) return new RootEntry(Normalize(path), "", EntryKind.Missing, 0, null);
        var (kind, size) = UnixStat.Lstat(ToHost(resolved));
        return new RootEntry(resolved, resolved[(resolved.LastIndexOf('/') + 1)..], kind, size, null);
    }

    public bool FileExists(string path) => Stat(path).Kind == EntryKind.File;

    public bool DirectoryExists(string path) => Stat(path).Kind == EntryKind.Directory;

    /// <summary>Raw target of a symlink (as written in the image), or null.</summary>
    public string? ReadLink(string inRootPath)
    {
        try
        {
            return new FileInfo(ToHost(inRootPath)).LinkTarget;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>Entries of a directory (following links to the directory itself), sorted by name.</summary>
    public IReadOnlyList<RootEntry> List(string dir)
    {
        var resolved = Resolve(dir);
        if (resolved is null || UnixStat.Lstat(ToHost(resolved)).Kind != EntryKind.Directory) return [];
        var result = new List<RootEntry>();
        try
        {
            foreach (var host in Directory.EnumerateFileSystemEntries(ToHost(resolved)))
            {
                if (result.Count >= MaxDirectoryEntries)
                {
                    Note("rootfs", "directory-capped", $"more than {MaxDirectoryEntries} entries; the rest were not read", resolved);
                    break;
                }
                var name = Path.GetFileName(host);
                var inRoot = Normalize(resolved + "/" + name);
                var (kind, size) = UnixStat.Lstat(host);
                result.Add(new RootEntry(inRoot, name, kind, size, kind == EntryKind.Symlink ? ReadLink(inRoot) : null));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Note("rootfs", "unreadable", e.Message, resolved);
        }
        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    /// <summary>Reads a regular file as UTF-8 (invalid bytes replaced), at most <paramref name="cap"/> bytes.
    /// Returns null (and notes why) for a missing file, a FIFO/device/socket, or a loop.</summary>
    public string? ReadText(string path, long cap = DefaultTextCap)
    {
        using var stream = OpenRegular(path, out var resolved, out var size);
        if (stream is null) return null;
        var toRead = (int)Math.Min(size, cap);
        if (size > cap) Note("rootfs", "size-capped", $"file is {size} bytes; read the first {cap}", resolved);
        var buffer = new byte[toRead];
        var read = 0;
        while (read < toRead)
        {
            var n = stream.Read(buffer, read, toRead - read);
            if (n == 0) break;
            read += n;
        }
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <summary>True when a regular file begins with <paramref name="prefix"/> (e.g. "#!"). Reads only
    /// those bytes: deciding whether a unit's program is a script must not read every ELF binary.</summary>
    public bool HasPrefix(string path, ReadOnlySpan<byte> prefix)
    {
        using var stream = OpenRegular(path, out _, out var size);
        if (stream is null || size < prefix.Length) return false;
        Span<byte> head = stackalloc byte[prefix.Length];
        return stream.ReadAtLeast(head, prefix.Length, throwOnEndOfStream: false) == prefix.Length && head.SequenceEqual(prefix);
    }

    /// <summary>sha256 and size of a regular file, streamed (no size cap needed: memory is constant).</summary>
    public (string Sha256, long Size)? Hash(string path)
    {
        using var stream = OpenRegular(path, out _, out var size);
        if (stream is null) return null;
        var hash = SHA256.HashData(stream);
        return (Convert.ToHexStringLower(hash), size);
    }

    private FileStream? OpenRegular(string path, out string resolved, out long size)
    {
        size = 0;
        resolved = Resolve(path) ?? Normalize(path);
        var (kind, sz) = UnixStat.Lstat(ToHost(resolved));
        if (kind == EntryKind.Missing) return null;
        if (kind != EntryKind.File)
        {
            Note("rootfs", "not-regular", $"{kind.ToString().ToLowerInvariant()} is not a regular file; not opened", resolved);
            return null;
        }
        size = sz;
        try
        {
            // bufferSize 1 = unbuffered: callers read whole files or hash in large blocks, so a 64 KiB
            // FileStream buffer per file would only add allocation (~13 MB on a 200-unit root).
            return new FileStream(ToHost(resolved), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Note("rootfs", "unreadable", e.Message, resolved);
            return null;
        }
    }

    /// <summary>Records a diagnostic once per (code, path).</summary>
    public void Note(string source, string code, string message, string? path = null, string level = "warning")
    {
        lock (_diagnostics)
        {
            if (!_seen.Add((code, path ?? message))) return;
            _diagnostics.Add(new Diagnostic { Source = source, Code = code, Message = message, Path = path, Level = level });
        }
    }
}
