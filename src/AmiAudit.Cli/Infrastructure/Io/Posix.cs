using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AmiAudit.Cli.Infrastructure.Io;

/// <summary>What <c>st_mode</c> says a path (or an open handle) is.</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    Symlink,
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    Other,
}

/// <summary>Device and inode: the identity of a file, whatever path (symlink, <c>./</c>, hard link) names it.</summary>
public readonly record struct FileId(ulong Device, ulong Inode);

/// <summary>The fields of <c>struct stat</c> the CLI's file guards need.</summary>
public readonly record struct FileStatus(FileKind Kind, FileId Id, long Size, uint Mode)
{
    public static readonly FileStatus Missing = new(FileKind.Missing, default, 0, 0);
}

/// <summary>
/// open(2) / fstat(2) / stat(2) for the CLI's own inputs and outputs. .NET cannot open with O_NONBLOCK (a FIFO
/// blocks the open until a writer comes) and reports FIFOs and devices as ordinary files, so the type has to come
/// from <c>st_mode</c> of the handle that is then read — checking a path first and opening it afterwards is a race.
/// </summary>
internal static class Posix
{
#pragma warning disable SYSLIB1054 // LibraryImport needs AllowUnsafeBlocks; byte[] buffers are enough here.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int OpenNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    [DllImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static extern int FStat(int fd, [Out] byte[] buf);

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buf);

    // glibc < 2.33 (Amazon Linux 2 has 2.26) exports only the versioned wrappers.
    [DllImport("libc", EntryPoint = "__fxstat", SetLastError = true)]
    private static extern int FxStat(int ver, int fd, [Out] byte[] buf);

    [DllImport("libc", EntryPoint = "__xstat", SetLastError = true)]
    private static extern int XStat(int ver, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buf);
#pragma warning restore SYSLIB1054

    public const int ORdonly = 0;
    public const int OWronly = 1;
    public const int ONoctty = 0x100;     // 0400
    public const int ONonblock = 0x800;   // 04000 on x86_64 and aarch64
    public const int OCloexec = 0x80000;  // 02000000

    public const int ENoent = 2;
    public const int EAcces = 13;
    public const int ENotdir = 20;

    // struct stat: st_dev@0, st_ino@8 on both; x86_64 st_mode@24, generic (aarch64) st_mode@16; st_size@48 on both.
    private static readonly bool X64 = RuntimeInformation.ProcessArchitecture == Architecture.X64;
    private static readonly int ModeOffset = X64 ? 24 : 16;
    private static readonly int StatVersion = X64 ? 1 : 0;
    private const int SizeOffset = 48;
    private static bool _versioned;

    /// <summary>open(2); a handle, or the errno.</summary>
    public static (SafeFileHandle? Handle, int Errno) Open(string path, int flags)
    {
        var fd = OpenNative(path, flags | OCloexec, 0);
        if (fd < 0) return (null, Marshal.GetLastPInvokeError());
        return (new SafeFileHandle(fd, ownsHandle: true), 0);
    }

    /// <summary>fstat(2) of an open handle: what was opened, not what the path names now.</summary>
    public static FileStatus FStat(SafeFileHandle handle)
    {
        var buf = new byte[256];
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            var rc = Call(() => FStat(fd, buf), () => FxStat(StatVersion, fd, buf));
            return rc == 0 ? Decode(buf) : FileStatus.Missing;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>stat(2), following symlinks; <see cref="FileStatus.Missing"/> when nothing is there (or it cannot be reached).</summary>
    public static FileStatus StatPath(string path)
    {
        if (path.Length == 0) return FileStatus.Missing;
        var buf = new byte[256];
        var rc = Call(() => Stat(path, buf), () => XStat(StatVersion, path, buf));
        return rc == 0 ? Decode(buf) : FileStatus.Missing;
    }

    private static int Call(Func<int> modern, Func<int> versioned)
    {
        if (!_versioned)
        {
            try
            {
                return modern();
            }
            catch (EntryPointNotFoundException)
            {
                _versioned = true;
            }
        }
        return versioned();
    }

    private static FileStatus Decode(byte[] buf)
    {
        var mode = BitConverter.ToUInt32(buf, ModeOffset);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.Symlink,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Other,
        };
        return new FileStatus(kind, new FileId(BitConverter.ToUInt64(buf, 0), BitConverter.ToUInt64(buf, 8)), BitConverter.ToInt64(buf, SizeOffset), mode & 0xFFF);
    }

    /// <summary>"a FIFO", "a character device" — for messages.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Directory => "a directory",
        FileKind.Fifo => "a FIFO",
        FileKind.CharDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.Symlink => "a symbolic link",
        FileKind.Regular => "a regular file",
        _ => "not a regular file",
    };

    /// <summary>strerror(3) wording, lower-cased the way the rest of our messages read ("no space left on device").</summary>
    public static string ErrnoText(int errno)
    {
        var text = Marshal.GetPInvokeErrorMessage(errno);
        return string.IsNullOrEmpty(text) ? $"errno {errno}" : char.ToLowerInvariant(text[0]) + text[1..];
    }
}
