using System.Runtime.InteropServices;
using System.Text;

namespace AmiAudit.Collectors.Probes.Ena;

/// <summary>
/// Non-blocking /dev/kmsg reader. .NET cannot open with O_NONBLOCK, and a blocking read of
/// /dev/kmsg waits forever for the next message, so open(2)/read(2) are called directly: each read
/// returns one record, EAGAIN means "caught up", EPIPE means records were overwritten (skip on).
/// The only P/Invoke of the probes lives here.
/// </summary>
internal static class Kmsg
{
#pragma warning disable SYSLIB1054 // LibraryImport needs AllowUnsafeBlocks; byte[] marshalling is enough.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern nint Read(int fd, [Out] byte[] buf, nint count);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
#pragma warning restore SYSLIB1054

    private const int ORdonly = 0;
    private const int ONonblock = 0x800; // 04000 on x86_64 and aarch64
    private const int OCloexec = 0x80000;
    private const int EIntr = 4;
    private const int EAgain = 11;
    private const int EAcces = 13;
    private const int EPipe = 32;
    private const int EPerm = 1;

    /// <summary>Records as "prio,seq,usec,flags;message" lines; error text when the device cannot be read.</summary>
    public static (List<string> Records, string? Error) ReadAll(string path, int maxRecords = 500_000, long maxBytes = 64L << 20)
    {
        var records = new List<string>();
        if (!OperatingSystem.IsLinux()) return (records, "/dev/kmsg is Linux-only");
        int fd;
        try
        {
            fd = Open(path, ORdonly | ONonblock | OCloexec);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return (records, "libc not available");
        }
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return (records, errno is EAcces or EPerm ? $"permission denied reading {path}" : $"cannot open {path} (errno {errno})");
        }
        try
        {
            // A kmsg record is at most ~1 KB of text plus dictionary lines; 16 KB never truncates (EINVAL).
            var buf = new byte[16 * 1024];
            long bytes = 0;
            while (records.Count < maxRecords && bytes < maxBytes)
            {
                var n = (long)Read(fd, buf, buf.Length);
                if (n > 0)
                {
                    bytes += n;
                    var end = Array.IndexOf(buf, (byte)'\n', 0, (int)n);
                    records.Add(Unescape(Encoding.UTF8.GetString(buf, 0, end < 0 ? (int)n : end)));
                    continue;
                }
                if (n == 0) break;
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EIntr || errno == EPipe) continue;
                if (errno == EAgain) break;
                return (records, errno is EAcces or EPerm ? $"permission denied reading {path}" : $"read {path} failed (errno {errno})");
            }
            return (records, null);
        }
        finally
        {
            Close(fd);
        }
    }

    // kmsg escapes non-printable bytes as \xNN (the ENA completion line ends in an escaped \n).
    internal static string Unescape(string s)
    {
        if (!s.Contains("\\x", StringComparison.Ordinal)) return s;
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 3 < s.Length && s[i + 1] == 'x' && Uri.IsHexDigit(s[i + 2]) && Uri.IsHexDigit(s[i + 3]))
            {
                var c = (char)Convert.ToInt32(s.Substring(i + 2, 2), 16);
                sb.Append(c < ' ' ? ' ' : c);
                i += 3;
            }
            else sb.Append(s[i]);
        }
        return sb.ToString();
    }
}
