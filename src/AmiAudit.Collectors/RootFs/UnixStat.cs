using System.Runtime.InteropServices;

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

/// <summary>
/// lstat(2) without following the last link. .NET's FileInfo reports FIFOs and device nodes as
/// ordinary files (opening one would block or stream forever), so the type must come from st_mode.
/// </summary>
internal static class UnixStat
{
    // glibc ≥ 2.33 exports lstat directly (Debian 12 ships 2.36).
    [DllImport("libc", EntryPoint = "lstat", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport needs AllowUnsafeBlocks; a byte[] buffer is enough here.
    private static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buf);
#pragma warning restore SYSLIB1054

    // struct stat offsets: x86_64 st_mode@24 st_size@48; generic (aarch64) st_mode@16 st_size@48.
    private static readonly int ModeOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
    private const int SizeOffset = 48;

    public static (EntryKind Kind, long Size) Lstat(string hostPath)
    {
        if (!OperatingSystem.IsLinux()) return Fallback(hostPath);
        var buf = new byte[256];
        int rc;
        try
        {
            rc = LStat(hostPath, buf);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return Fallback(hostPath);
        }
        if (rc != 0) return (EntryKind.Missing, 0);
        var mode = BitConverter.ToUInt32(buf, ModeOffset) & 0xF000;
        var size = BitConverter.ToInt64(buf, SizeOffset);
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
        return (kind, size);
    }

    private static (EntryKind, long) Fallback(string hostPath)
    {
        var fi = new FileInfo(hostPath);
        if (fi.LinkTarget is not null) return (EntryKind.Symlink, 0);
        if (Directory.Exists(hostPath)) return (EntryKind.Directory, 0);
        return fi.Exists ? (EntryKind.File, fi.Length) : (EntryKind.Missing, 0);
    }
}
