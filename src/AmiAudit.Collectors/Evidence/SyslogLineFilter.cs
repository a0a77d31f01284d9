namespace AmiAudit.Collectors.Evidence;

/// <summary>
/// The byte-level filter in front of the system-log parsers (<see cref="ByteLineScanner"/>): from the syslog
/// header ("Mon DD HH:MM:SS host ident[pid]: " or its ISO-8601 form) it takes the identifier, and keeps only
/// kernel lines that mention something the kernel parser reads, systemd lines that carry a lifecycle word, and
/// amazon-ecs-init lines. A line without such a header (a dmesg dump saved as kern.log, an odd format) is kept
/// when any of the same substrings appears anywhere in it. Everything is single-needle IndexOf on bytes.
/// </summary>
public static class SyslogLineFilter
{
    // Kernel lines of a real log: the ENA driver prints every message through netdev_*/dev_*/pr_*, so "ena <bdf>",
    // "ena: " (or FreeBSD's "ena0: ") is always there; then watchdogs, lockups, hung tasks, OOM kills.
    private static readonly byte[][] Kernel =
    [
        "ena "u8.ToArray(), "ena:"u8.ToArray(), "ena0"u8.ToArray(), "Elastic Net"u8.ToArray(), "NETDEV WATCHDOG"u8.ToArray(),
        "lockup"u8.ToArray(), "LOCKUP"u8.ToArray(), "blocked for more"u8.ToArray(), "Killed process"u8.ToArray(),
    ];

    // A line without a syslog header (a paste, a dmesg dump) may hold an ENA body whose prefix was trimmed.
    private static readonly byte[][] KernelBodies =
    [
        .. Kernel, "ENA "u8.ToArray(), "TX q"u8.ToArray(), "TX hasn't"u8.ToArray(), "TX comp"u8.ToArray(), "tx comp"u8.ToArray(),
        "TX timeout"u8.ToArray(), "reset is on"u8.ToArray(), "Device reset"u8.ToArray(), "Resetting the"u8.ToArray(), "Reset attempt"u8.ToArray(),
        "Restore attempt"u8.ToArray(), "reset is requested"u8.ToArray(), "napi"u8.ToArray(), "Keep alive"u8.ToArray(), "admin"u8.ToArray(),
        "Admin queue"u8.ToArray(), "MSIX"u8.ToArray(), "Transmit time out"u8.ToArray(), "wasn't completed"u8.ToArray(), "isn't responsive"u8.ToArray(),
    ];

    // systemd: the words every unit lifecycle message has (SystemdMessageParser); "….mount: Deactivated successfully." has none.
    private static readonly byte[][] Systemd =
    [
        "process exited"u8.ToArray(), "ailed"u8.ToArray(), "Scheduled restart"u8.ToArray(), "hold"u8.ToArray(), "RestartSec="u8.ToArray(),
        "repeated too quickly"u8.ToArray(), "Started "u8.ToArray(), "Stopped "u8.ToArray(),
    ];

    /// <summary><paramref name="kernelFile"/>: the file's kernel lines are read (kern.log; messages/syslog when there is no kern.log).
    /// <paramref name="allPrograms"/>: systemd's and amazon-ecs-init's lines are read too (messages/syslog).</summary>
    public static ByteLineFilter For(bool kernelFile, bool allPrograms) => line =>
    {
        if (TryIdent(line, out var ident, out var message))
        {
            if (ident.SequenceEqual("kernel"u8)) return kernelFile && Any(message, Kernel);
            if (!allPrograms) return false;
            if (ident.SequenceEqual("systemd"u8)) return Any(message, Systemd);
            return ident.IndexOf("ecs"u8) >= 0;
        }
        // No syslog header: dmesg text, journalctl -o short-monotonic, a paste.
        if (kernelFile && Any(line, KernelBodies)) return true;
        return allPrograms && (line.IndexOf("systemd["u8) >= 0 || line.IndexOf("ecs-init"u8) >= 0 || line.IndexOf("ecs_init"u8) >= 0);
    };

    private static bool Any(ReadOnlySpan<byte> text, byte[][] needles)
    {
        foreach (var n in needles) if (text.IndexOf(n) >= 0) return true;
        return false;
    }

    /// <summary>"Mar  3 12:00:01[.ffffff] host ident[pid]: msg" or "2026-03-03T12:00:01[.f][zone] host ident[pid]: msg".</summary>
    public static bool TryIdent(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> ident, out ReadOnlySpan<byte> message)
    {
        ident = default;
        message = default;
        int i;
        if (line.Length > 20 && line[3] == ' ' && line[6] == ' ' && line[9] == ':' && line[12] == ':' && IsUpper(line[0]))
            i = 15;
        else if (line.Length > 25 && line[4] == '-' && line[7] == '-' && (line[10] == 'T' || line[10] == ' ') && line[13] == ':' && line[16] == ':' && IsDigit(line[0]))
            i = 19;
        else return false;
        while (i < line.Length && line[i] != ' ') i++; // fraction, zone
        if (i >= line.Length) return false;
        i++;
        var host = i;
        while (i < line.Length && line[i] != ' ') i++;
        if (i == host || i >= line.Length) return false;
        i++;
        var start = i;
        while (i < line.Length && line[i] is not ((byte)' ' or (byte)':' or (byte)'[')) i++;
        if (i == start || i >= line.Length) return false;
        ident = line[start..i];
        if (line[i] == '[')
        {
            var close = line[i..].IndexOf((byte)']');
            if (close < 0) return false;
            i += close + 1;
        }
        if (i >= line.Length || line[i] != ':') return false;
        message = line[(i + 1)..];
        return true;
    }

    private static bool IsUpper(byte b) => b is >= (byte)'A' and <= (byte)'Z';
    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
