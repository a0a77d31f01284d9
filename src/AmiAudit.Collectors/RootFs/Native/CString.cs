using System.Buffers;
using System.Text;

namespace AmiAudit.Collectors.RootFs.Native;

/// <summary>NUL-terminated UTF-8 for the libc calls, and back.</summary>
internal static class CString
{
    /// <summary>The bytes of <paramref name="s"/> plus a NUL; null when the string holds a NUL itself
    /// (the kernel would stop there and look up a different, shorter name).</summary>
    public static byte[]? Encode(string s)
    {
        if (s.Contains('\0')) return null;
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    /// <summary>A file name as the image wrote it. Invalid UTF-8 is replaced (U+FFFD), as .NET's own
    /// directory enumeration does; such a name cannot be opened again by that string.</summary>
    public static unsafe string Decode(byte* p, out ReadOnlySpan<byte> withNul)
    {
        var n = 0;
        while (p[n] != 0) n++;
        withNul = new ReadOnlySpan<byte>(p, n + 1);
        return Encoding.UTF8.GetString(p, n);
    }

    /// <summary>A pooled buffer for readlink targets (PATH_MAX).</summary>
    public static byte[] RentPath() => ArrayPool<byte>.Shared.Rent(4096);

    public static void Return(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);
}
