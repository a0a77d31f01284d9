using System.Runtime.InteropServices;
using System.Text;
using AmiAudit.Collectors.RootFs.Native;

namespace AmiAudit.Collectors.RootFs;

/// <summary>
/// How a path inside the root becomes an open descriptor without ever letting the kernel follow a
/// link out of it. The old reader checked a path with lstat(2) and then opened the same string: a
/// rename in between (a link to the host's /etc/shadow swapped in) was followed by open(2). Now the
/// check is made on the descriptor that is read (fstat), and the descriptor is reached one of two
/// ways, both confined:
/// <list type="bullet">
/// <item>openat2(2) relative to the root with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS (Linux ≥ 5.6):
/// the kernel resolves every link as if the root were chroot(2)ed — absolute targets restart at the
/// root, ".." stops there — which is this reader's documented semantics. RESOLVE_BENEATH would
/// *refuse* such links instead of re-rooting them (images are full of absolute links,
/// /etc/os-release -> ../usr/lib/os-release, /lib -> usr/lib). NO_MAGICLINKS: /proc/PID/root, /cwd,
/// /fd/N in a root with procfs mounted are not symlinks to the kernel; followed, they jump to
/// whatever they point at, ignoring IN_ROOT. Not RESOLVE_NO_XDEV: mounted images legitimately have
/// mounts inside (/boot, /usr, a bind-mounted /proc).</item>
/// <item>Elsewhere (older kernel, seccomp filter), and to name what was reached, a walk: one
/// openat(dirfd, name, O_PATH|O_NOFOLLOW) per component from the root's descriptor, links read with
/// readlinkat and resolved here with the same chroot rules. The kernel never follows a link; ".." pops
/// a descriptor this walk holds, never asks the kernel for a parent.</item>
/// </list>
/// A regular file is then reopened for reading through /proc/self/fd/N — the same inode, whatever
/// the name points at by now — so a FIFO or device is never opened, not even for a moment (opening
/// /dev/watchdog arms it). Without /proc the name is opened with O_NOFOLLOW|O_NONBLOCK|O_NOCTTY and
/// the inode compared.
/// </summary>
public sealed partial class RootFileSystem
{
    private static volatile bool s_openat2Unavailable;

    /// <summary>Use openat2 where the kernel has it (tests turn it off to exercise the walk).</summary>
    internal bool UseOpenat2 { get; init; } = true;

    /// <summary>Reopen regular files through /proc/self/fd (tests turn it off to exercise the fallback).</summary>
    internal bool ReopenThroughProc { get; init; } = true;

    /// <summary>Whether openat2 with RESOLVE_IN_ROOT works on this kernel (probed once).</summary>
    internal static bool Openat2Supported
    {
        get
        {
            if (s_openat2Unavailable || !OperatingSystem.IsLinux()) return false;
            var fd = OpenInRoot(Libc.AT_FDCWD, "/", followLast: true);
            if (fd >= 0) Libc.Close(fd);
            return !s_openat2Unavailable;
        }
    }

    private const int PathFlags = Libc.O_PATH | Libc.O_CLOEXEC;

    /// <summary>An O_PATH descriptor reached inside the root, what fstat says about it, and (from the
    /// walk) the in-root path it was reached by. Owns the descriptor.</summary>
    private sealed class Found(int fd, StatInfo stat, string? inRoot) : IDisposable
    {
        public int Fd { get; private set; } = fd;
        public StatInfo Stat { get; } = stat;
        public string? InRoot { get; } = inRoot;

        public void Dispose()
        {
            if (Fd >= 0) Libc.Close(Fd);
            Fd = -1;
        }
    }

    /// <summary>Result of a walk that did not reach an existing entry.</summary>
    private readonly record struct Miss(string? InRoot)
    {
        /// <summary>More than <see cref="MaxLinks"/> links (noted); the path is unknown.</summary>
        public bool Loop => InRoot is null;
    }

    private unsafe int OpenRoot()
    {
        var bytes = CString.Encode(HostRoot);
        if (bytes is null) return -1;
        fixed (byte* p = bytes)
            return Libc.OpenAt(Libc.AT_FDCWD, p, PathFlags | Libc.O_DIRECTORY, 0);
    }

    /// <summary>
    /// The entry at <paramref name="path"/>, opened O_PATH. openat2 when it can answer, else the walk.
    /// Null when missing or a loop (the walk notes loops). <see cref="Found.InRoot"/> is null when
    /// openat2 answered (naming costs a walk; callers that need a name call <see cref="NameOf"/>).
    /// </summary>
    private Found? Open(string path, bool followLast)
    {
        var normalized = Normalize(path);
        if (normalized.Contains('\0')) return null;
        var root = OpenRoot();
        if (root < 0) return null;
        try
        {
            if (UseOpenat2 && !s_openat2Unavailable)
            {
                var fd = OpenInRoot(root, normalized, followLast);
                if (fd >= 0) return new Found(fd, UnixStat.Fstat(fd), null);
                // Absent is absent either way. ELOOP is a loop or a magic link: the walk tells them
                // apart (a magic link's text is resolved inside the root) and notes loops; EAGAIN
                // (a rename raced a ".."), ENAMETOOLONG and the rest also go to the walk.
                if (-fd is Libc.ENOENT or Libc.ENOTDIR or Libc.EACCES) return null;
            }
            var walked = Walk(root, path, normalized, followLast, out _);
            return walked;
        }
        finally
        {
            Libc.Close(root);
        }
    }

    /// <summary>The walk, for callers that need the in-root path of what they reach.</summary>
    private Found? OpenNamed(string path, bool followLast, out Miss miss)
    {
        miss = new Miss(Normalize(path));
        if (miss.InRoot!.Contains('\0')) return null;
        var root = OpenRoot();
        if (root < 0) return null;
        try
        {
            return Walk(root, path, miss.InRoot, followLast, out miss);
        }
        finally
        {
            Libc.Close(root);
        }
    }

    /// <summary>The in-root name of what <paramref name="found"/> is, for diagnostics.</summary>
    private string NameOf(string path, Found? found) => found?.InRoot ?? Resolve(path) ?? Normalize(path);

    /// <summary>openat2(root, path, O_PATH, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS): a descriptor, or −errno.</summary>
    private static unsafe int OpenInRoot(int root, string normalized, bool followLast)
    {
        var bytes = CString.Encode(normalized == "/" ? "." : normalized[1..]);
        if (bytes is null) return -Libc.ENOENT;
        var how = new Libc.OpenHow
        {
            Flags = (ulong)(PathFlags | (followLast ? 0 : Libc.O_NOFOLLOW)),
            Resolve = Libc.RESOLVE_IN_ROOT | Libc.RESOLVE_NO_MAGICLINKS,
        };
        var errno = 0;
        fixed (byte* p = bytes)
        {
            // EAGAIN: a rename or mount anywhere on the system raced a ".." step; the kernel asks for a retry.
            for (var attempt = 0; attempt < 16; attempt++)
            {
                var fd = Libc.OpenAt2(root, p, &how);
                if (fd >= 0) return fd;
                errno = Marshal.GetLastPInvokeError();
                if (errno is not (Libc.EAGAIN or Libc.EINTR)) break;
            }
        }
        // No such syscall (Linux < 5.6), filtered by seccomp (EPERM/ENOSYS), or flags this kernel does
        // not know: the walk answers from now on.
        if (errno is Libc.ENOSYS or Libc.EPERM or Libc.EINVAL or Libc.E2BIG) s_openat2Unavailable = true;
        return -errno;
    }

    /// <summary>
    /// Resolves <paramref name="normalized"/> one component at a time from the root's descriptor, as
    /// chroot(2) would: absolute link targets restart at the root, ".." stops at the root, more than
    /// <see cref="MaxLinks"/> links is a loop (noted). Each step is openat(dir, name, O_PATH|O_NOFOLLOW):
    /// a single name relative to a descriptor held here, so nothing swapped in can redirect it.
    /// Returns the final entry (not followed if it is a link and !<paramref name="followLast"/>), or
    /// null with <paramref name="miss"/>: the canonical path of a missing entry (the rest appended
    /// lexically, so callers can still name it) or a loop.
    /// </summary>
    private Found? Walk(int root, string original, string normalized, bool followLast, out Miss miss)
    {
        var remaining = new Stack<string>(normalized.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var names = new List<string>();
        var fds = new List<int>(); // fds[i] is the directory names[0..i] resolved to
        var links = 0;
        miss = default;
        try
        {
            while (remaining.Count > 0)
            {
                var comp = remaining.Pop();
                if (comp == ".") continue;
                if (comp == "..")
                {
                    if (names.Count > 0) Pop(names, fds);
                    continue;
                }
                var fd = OpenAtName(fds.Count == 0 ? root : fds[^1], comp, PathFlags | Libc.O_NOFOLLOW);
                if (fd < 0)
                {
                    miss = new Miss(Lexical(names, comp, remaining));
                    return null;
                }
                var st = UnixStat.Fstat(fd);
                if (st.Kind == EntryKind.Symlink && (remaining.Count > 0 || followLast))
                {
                    var target = ReadLinkAt(fd, "");
                    Libc.Close(fd);
                    if (++links > MaxLinks)
                    {
                        Note("rootfs", "symlink-loop", $"more than {MaxLinks} symbolic links while resolving {original}; treated as missing", original);
                        miss = new Miss(null);
                        return null;
                    }
                    if (string.IsNullOrEmpty(target))
                    {
                        // An empty or unreadable link resolves to nothing (the kernel says ENOENT).
                        miss = new Miss(Lexical(names, comp, remaining));
                        return null;
                    }
                    if (target[0] == '/')
                        while (names.Count > 0) Pop(names, fds);
                    foreach (var t in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse()) remaining.Push(t);
                    continue;
                }
                names.Add(comp);
                fds.Add(fd);
                if (remaining.Count > 0 && st.Kind != EntryKind.Directory)
                {
                    // Only a directory has entries (the next lookup would be ENOTDIR).
                    miss = new Miss(Lexical(names, null, remaining));
                    return null;
                }
            }
            if (fds.Count == 0)
            {
                var self = OpenAtName(root, ".", PathFlags | Libc.O_DIRECTORY);
                return self < 0 ? null : new Found(self, UnixStat.Fstat(self), "/");
            }
            var last = fds[^1];
            fds.RemoveAt(fds.Count - 1);
            return new Found(last, UnixStat.Fstat(last), "/" + string.Join('/', names));
        }
        finally
        {
            foreach (var fd in fds) Libc.Close(fd);
        }
    }

    private static void Pop(List<string> names, List<int> fds)
    {
        names.RemoveAt(names.Count - 1);
        Libc.Close(fds[^1]);
        fds.RemoveAt(fds.Count - 1);
    }

    private static string Lexical(List<string> names, string? comp, Stack<string> remaining)
    {
        var parts = new List<string>(names);
        if (comp is not null) parts.Add(comp);
        parts.AddRange(remaining);
        return Normalize("/" + string.Join('/', parts));
    }

    /// <summary>openat(dirfd, name, flags): a descriptor, or −errno.</summary>
    private static unsafe int OpenAtName(int dirfd, string name, int flags)
    {
        var bytes = CString.Encode(name);
        if (bytes is null) return -Libc.ENOENT;
        fixed (byte* p = bytes)
        {
            var fd = Libc.OpenAt(dirfd, p, flags, 0);
            return fd >= 0 ? fd : -Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>readlinkat(dirfd, name): the link text as written in the image, or null.
    /// With name "" it reads the link an O_PATH|O_NOFOLLOW descriptor refers to.</summary>
    private static unsafe string? ReadLinkAt(int dirfd, ReadOnlySpan<byte> nulTerminatedName)
    {
        var buffer = CString.RentPath();
        try
        {
            fixed (byte* name = nulTerminatedName)
            fixed (byte* b = buffer)
            {
                var n = Libc.ReadLinkAt(dirfd, name, b, (nuint)buffer.Length);
                return n < 0 || n >= buffer.Length ? null : Encoding.UTF8.GetString(b, (int)n);
            }
        }
        finally
        {
            CString.Return(buffer);
        }
    }

    private static string? ReadLinkAt(int fd, string emptyName) => ReadLinkAt(fd, Encoding.UTF8.GetBytes(emptyName + "\0"));

    /// <summary>
    /// A readable descriptor for the regular file <paramref name="found"/> refers to. Through
    /// /proc/self/fd/N: the kernel opens exactly that inode, so what was checked is what is read.
    /// Without procfs: the in-root name again, refusing links and blocking opens, and the inode must
    /// match (the remaining window can open a device node swapped in by name; documented).
    /// Returns −errno on failure.
    /// </summary>
    private unsafe int Reopen(Found found, string path)
    {
        const int readFlags = Libc.O_RDONLY | Libc.O_CLOEXEC | Libc.O_NOCTTY;
        if (ReopenThroughProc)
        {
            var fd = OpenAtName(Libc.AT_FDCWD, $"/proc/self/fd/{found.Fd}", readFlags);
            if (fd >= 0 || -fd is not (Libc.ENOENT or Libc.ENOTDIR)) return fd;
        }
        var name = NameOf(path, found);
        var root = OpenRoot();
        if (root < 0) return -Libc.ENOENT;
        try
        {
            var how = new Libc.OpenHow
            {
                Flags = (ulong)(readFlags | Libc.O_NOFOLLOW | Libc.O_NONBLOCK),
                Resolve = Libc.RESOLVE_IN_ROOT | Libc.RESOLVE_NO_MAGICLINKS,
            };
            int fd;
            if (UseOpenat2 && !s_openat2Unavailable && CString.Encode(name == "/" ? "." : name[1..]) is { } bytes)
            {
                fixed (byte* p = bytes) fd = Libc.OpenAt2(root, p, &how);
                if (fd < 0) fd = -Marshal.GetLastPInvokeError();
            }
            else
            {
                // The parent by the walk (no link followed by the kernel), then the name itself.
                var slash = name.LastIndexOf('/');
                using var parent = OpenNamed(slash <= 0 ? "/" : name[..slash], followLast: false, out _);
                fd = parent is null || parent.Stat.Kind != EntryKind.Directory ? -Libc.ENOENT
                    : OpenAtName(parent.Fd, name[(slash + 1)..], (int)how.Flags);
            }
            if (fd < 0) return fd;
            var st = UnixStat.Fstat(fd);
            if (st.Kind == EntryKind.File && st.Device == found.Stat.Device && st.Inode == found.Stat.Inode) return fd;
            Libc.Close(fd);
            return -Libc.EAGAIN; // replaced between the check and the open
        }
        finally
        {
            Libc.Close(root);
        }
    }
}
