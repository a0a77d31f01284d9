using System.Runtime.InteropServices;
using AmiAudit.Collectors.RootFs.Native;

namespace AmiAudit.Collectors.RootFs;

public enum EntryKind
{
    Missing,
    File,
    Directory,
    Symlink,
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    Other,
}

/// <summary>What fstat(2) says about an open descriptor: type, size and identity.</summary>
internal readonly record struct StatInfo(EntryKind Kind, long Size, ulong Device, ulong Inode)
{
    public static readonly StatInfo Missing = new(EntryKind.Missing, 0, 0, 0);
}

/// <summary>
/// stat(2) results read from st_mode, not from .NET: FileInfo reports FIFOs and device nodes as
/// ordinary files (opening one would block or stream forever), so the type must come from the kernel.
/// </summary>
internal static unsafe class UnixStat
{
    private const int BufferSize = 256; // struct stat is 144 bytes on x86_64, 128 on arm64

    // struct stat offsets: st_dev@0 st_ino@8 on both; x86_64 st_mode@24, generic (arm64) st_mode@16; st_size@48.
    private static readonly int ModeOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
    private const int SizeOffset = 48;

    /// <summary>fstat of an open descriptor (an O_PATH one is enough); Missing if it fails.</summary>
    public static StatInfo Fstat(int fd)
    {
        var buf = stackalloc byte[BufferSize];
        return Libc.FStat(fd, buf) == 0 ? Parse(buf) : StatInfo.Missing;
    }

    /// <summary>fstatat(dirfd, name, AT_SYMLINK_NOFOLLOW): one directory entry, not followed.</summary>
    public static StatInfo FstatAt(int dirfd, ReadOnlySpan<byte> nulTerminatedName)
    {
        var buf = stackalloc byte[BufferSize];
        fixed (byte* name = nulTerminatedName)
            return Libc.FStatAt(dirfd, name, buf, Libc.AT_SYMLINK_NOFOLLOW) == 0 ? Parse(buf) : StatInfo.Missing;
    }

    private static StatInfo Parse(byte* buf)
    {
        var mode = *(uint*)(buf + ModeOffset) & 0xF000;
        var kind = mode switch
        {
            0x8000 => EntryKind.File,
            0x4000 => EntryKind.Directory,
            0xA000 => EntryKind.Symlink,
            0x1000 => EntryKind.Fifo,
            0x2000 => EntryKind.CharDevice,
            0x6000 => EntryKind.BlockDevice,
            0xC000 => EntryKind.Socket,
            _ => EntryKind.Other,
        };
        return new StatInfo(kind, *(long*)(buf + SizeOffset), *(ulong*)buf, *(ulong*)(buf + 8));
    }
}
