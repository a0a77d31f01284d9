using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using AmiAudit.Collectors.RootFs.Native;
using AmiAudit.Core.Model;
using Microsoft.Win32.SafeHandles;

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

    /// <summary>Follows symlinks (re-rooted). Returns the final in-root path (of a missing entry too:
    /// the rest of the path is appended as written), or null on a loop / too many links.</summary>
    public string? Resolve(string path, bool followLast = true)
    {
        using var found = OpenNamed(path, followLast, out var miss);
        return found?.InRoot ?? miss.InRoot;
    }

    /// <summary>The entry at the path, not following the last component.</summary>
    public RootEntry Lstat(string path)
    {
        var normalized = Normalize(path);
        var name = normalized == "/" ? "" : normalized[(normalized.LastIndexOf('/') + 1)..];
        using var found = OpenNamed(normalized, followLast: false, out var miss);
        if (found is null) return new RootEntry(miss.InRoot ?? normalized, name, EntryKind.Missing, 0, null);
        var link = found.Stat.Kind == EntryKind.Symlink ? ReadLinkAt(found.Fd, "") : null;
        return new RootEntry(found.InRoot!, name, found.Stat.Kind, found.Stat.Size, link);
    }

    /// <summary>The entry after following every link (Missing on a loop).</summary>
    public RootEntry Stat(string path)
    {
        using var found = OpenNamed(path, followLast: true, out var miss);
        if (found is null)
        {
            var at = miss.InRoot ?? Normalize(path);
            return new RootEntry(at, miss.Loop ? "" : at[(at.LastIndexOf('/') + 1)..], EntryKind.Missing, 0, null);
        }
        var resolved = found.InRoot!;
        return new RootEntry(resolved, resolved[(resolved.LastIndexOf('/') + 1)..], found.Stat.Kind, found.Stat.Size, null);
    }

    public bool FileExists(string path) => Kind(path) == EntryKind.File;

    public bool DirectoryExists(string path) => Kind(path) == EntryKind.Directory;

    private EntryKind Kind(string path)
    {
        using var found = Open(path, followLast: true);
        return found?.Stat.Kind ?? EntryKind.Missing;
    }

    /// <summary>Raw target of a symlink (as written in the image), or null.</summary>
    public string? ReadLink(string inRootPath)
    {
        using var found = OpenNamed(inRootPath, followLast: false, out _);
        return found?.Stat.Kind == EntryKind.Symlink ? ReadLinkAt(found.Fd, "") : null;
    }

    /// <summary>Entries of a directory (following links to the directory itself), sorted by name.
    /// Read from the directory's descriptor: each entry is fstatat(dir, name, AT_SYMLINK_NOFOLLOW).</summary>
    public unsafe IReadOnlyList<RootEntry> List(string dir)
    {
        using var found = OpenNamed(dir, followLast: true, out _);
        if (found is null || found.Stat.Kind != EntryKind.Directory) return [];
        var resolved = found.InRoot!;
        var result = new List<RootEntry>();
        // An O_PATH descriptor cannot be read; "." opened from it is the same directory, opened for reading.
        var dirfd = OpenAtName(found.Fd, ".", Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        if (dirfd < 0)
        {
            Note("rootfs", "unreadable", $"cannot open the directory (errno {-dirfd})", resolved);
            return [];
        }
        var stream = Libc.FdOpenDir(dirfd);
        if (stream == 0)
        {
            Libc.Close(dirfd);
            return [];
        }
        try
        {
            while (true)
            {
                var entry = (byte*)Libc.ReadDir(stream);
                if (entry is null)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != 0) Note("rootfs", "unreadable", $"reading the directory failed (errno {errno})", resolved);
                    break;
                }
                var name = CString.Decode(entry + Libc.DirentNameOffset, out var rawName);
                if (name is "." or "..") continue;
                if (result.Count >= MaxDirectoryEntries)
                {
                    Note("rootfs", "directory-capped", $"more than {MaxDirectoryEntries} entries; the rest were not read", resolved);
                    break;
                }
                var st = UnixStat.FstatAt(dirfd, rawName);
                var link = st.Kind == EntryKind.Symlink ? ReadLinkAt(dirfd, rawName) : null;
                result.Add(new RootEntry(Normalize(resolved + "/" + name), name, st.Kind, st.Size, link));
            }
        }
        finally
        {
            Libc.CloseDir(stream);
        }
        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    /// <summary>Reads a regular file as UTF-8 (invalid bytes replaced), at most <paramref name="cap"/> bytes.
    /// Returns null (and notes why) for a missing file, a FIFO/device/socket, or a loop.</summary>
    public string? ReadText(string path, long cap = DefaultTextCap)
    {
        using var file = OpenRegular(path);
        if (file is null) return null;
        if (file.Size > cap) Note("rootfs", "size-capped", $"file is {file.Size} bytes; read the first {cap}", file.Name);
        if (file.Size > 0)
        {
            var buffer = new byte[(int)Math.Min(file.Size, cap)];
            var read = file.Stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return Encoding.UTF8.GetString(buffer, 0, read);
        }
        // st_size 0 is not always empty: procfs and sysfs files report 0 and have content.
        using var content = new MemoryStream();
        using (var bounded = new BoundedStream(file.Stream, cap)) bounded.CopyTo(content, 16 * 1024);
        if (content.Length == cap && file.Stream.ReadByte() >= 0)
            Note("rootfs", "size-capped", $"file is longer than {cap} bytes; read the first {cap}", file.Name);
        return Encoding.UTF8.GetString(content.GetBuffer(), 0, (int)content.Length);
    }

    /// <summary>True when a regular file begins with <paramref name="prefix"/> (e.g. "#!"). Reads only
    /// those bytes: deciding whether a unit's program is a script must not read every ELF binary.</summary>
    public bool HasPrefix(string path, ReadOnlySpan<byte> prefix)
    {
        using var file = OpenRegular(path);
        if (file is null || file.Size < prefix.Length) return false;
        Span<byte> head = stackalloc byte[prefix.Length];
        return file.Stream.ReadAtLeast(head, prefix.Length, throwOnEndOfStream: false) == prefix.Length && head.SequenceEqual(prefix);
    }

    /// <summary>sha256 and size of a regular file, streamed (no size cap needed: memory is constant).</summary>
    public (string Sha256, long Size)? Hash(string path)
    {
        using var file = OpenRegular(path);
        if (file is null) return null;
        var hash = SHA256.HashData(file.Stream);
        return (Convert.ToHexStringLower(hash), file.Size);
    }

    /// <summary>An open regular file: its stream, its size from fstat of that descriptor, and its
    /// in-root name for diagnostics (computed only when one is written).</summary>
    private sealed class RegularFile(RootFileSystem fs, string path, Found found, FileStream stream) : IDisposable
    {
        private string? _name;
        public FileStream Stream { get; } = stream;
        public long Size { get; } = found.Stat.Size;
        public string Name => _name ??= fs.NameOf(path, found);
        public void Dispose()
        {
            Stream.Dispose();
            found.Dispose();
        }

        /// <summary>The read stream alone, for a caller that streams the file: the O_PATH descriptor is closed
        /// (the stream was reopened from it as the same inode and does not need it).</summary>
        public FileStream Detach()
        {
            _ = Name;
            found.Dispose();
            return Stream;
        }
    }

    /// <summary>
    /// Opens a regular file for reading, confined to the root: resolved to an O_PATH descriptor,
    /// checked with fstat on that descriptor, reopened for reading as that same inode. Anything
    /// else (FIFO, device, socket, directory) is noted and never opened for reading.
    /// </summary>
    private RegularFile? OpenRegular(string path)
    {
        var found = Open(path, followLast: true);
        if (found is null) return null;
        try
        {
            if (found.Stat.Kind != EntryKind.File)
            {
                if (found.Stat.Kind != EntryKind.Missing)
                    Note("rootfs", "not-regular", $"{found.Stat.Kind.ToString().ToLowerInvariant()} is not a regular file; not opened", NameOf(path, found));
                found.Dispose();
                return null;
            }
            var fd = Reopen(found, path);
            if (fd < 0)
            {
                Note("rootfs", "unreadable", $"cannot open the file (errno {-fd})", NameOf(path, found));
                found.Dispose();
                return null;
            }
            // bufferSize 0 = unbuffered: callers read whole files or hash in large blocks, so a 64 KiB
            // FileStream buffer per file would only add allocation (~13 MB on a 200-unit root).
            var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
            return new RegularFile(this, path, found, stream);
        }
        catch
        {
            found.Dispose();
            throw;
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
