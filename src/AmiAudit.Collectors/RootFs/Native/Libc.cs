using System.Runtime.InteropServices;

namespace AmiAudit.Collectors.RootFs.Native;

/// <summary>
/// The few Linux calls the root reader needs to work on descriptors instead of path strings:
/// openat/openat2, fstat/fstatat, readlinkat, fdopendir/readdir, close. Source-generated
/// (LibraryImport) with blittable signatures, so NativeAOT needs no runtime marshalling.
/// Paths are NUL-terminated UTF-8 spans; callers never pass a string containing NUL.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    // fcntl.h. O_DIRECTORY and O_NOFOLLOW differ on arm64 (asm-generic uses the x86 values on
    // every other 64-bit architecture .NET runs on).
    public const int O_RDONLY = 0;
    public const int O_NOCTTY = 0x100;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;
    public const int O_PATH = 0x200000;
    public static readonly int O_DIRECTORY = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x4000 : 0x10000;
    public static readonly int O_NOFOLLOW = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;

    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_EMPTY_PATH = 0x1000;

    // linux/openat2.h
    public const ulong RESOLVE_NO_XDEV = 0x01;
    public const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    public const ulong RESOLVE_BENEATH = 0x08;
    public const ulong RESOLVE_IN_ROOT = 0x10;

    // errno
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EXDEV = 18;
    public const int ENOTDIR = 20;
    public const int EINVAL = 22;
    public const int E2BIG = 7;
    public const int ENAMETOOLONG = 36;
    public const int ENOSYS = 38;
    public const int ELOOP = 40;

    /// <summary>openat2 has the same number on every architecture (added after the 5.1 syscall table unification).</summary>
    private const long SYS_openat2 = 437;

    [StructLayout(LayoutKind.Sequential)]
    public struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [LibraryImport(Lib, EntryPoint = "openat", SetLastError = true)]
    public static partial int OpenAt(int dirfd, byte* path, int flags, int mode);

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, int dirfd, byte* path, OpenHow* how, nuint size);

    public static int OpenAt2(int dirfd, byte* path, OpenHow* how) =>
        (int)Syscall(SYS_openat2, dirfd, path, how, (nuint)sizeof(OpenHow));

    [LibraryImport(Lib, EntryPoint = "fstat", SetLastError = true)]
    public static partial int FStat(int fd, byte* buf);

    [LibraryImport(Lib, EntryPoint = "fstatat", SetLastError = true)]
    public static partial int FStatAt(int dirfd, byte* path, byte* buf, int flags);

    [LibraryImport(Lib, EntryPoint = "readlinkat", SetLastError = true)]
    public static partial nint ReadLinkAt(int dirfd, byte* path, byte* buf, nuint size);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>Takes ownership of the descriptor (closedir closes it).</summary>
    [LibraryImport(Lib, EntryPoint = "fdopendir", SetLastError = true)]
    public static partial nint FdOpenDir(int fd);

    /// <summary>glibc's readdir on 64-bit targets is readdir64: struct dirent64.</summary>
    [LibraryImport(Lib, EntryPoint = "readdir", SetLastError = true)]
    public static partial nint ReadDir(nint dir);

    [LibraryImport(Lib, EntryPoint = "closedir", SetLastError = true)]
    public static partial int CloseDir(nint dir);

    // struct dirent64: d_ino@0 d_off@8 d_reclen@16 d_type@18 d_name@19 (same on x86_64 and arm64).
    public const int DirentNameOffset = 19;
}
