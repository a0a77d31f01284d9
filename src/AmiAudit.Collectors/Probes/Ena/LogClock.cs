namespace AmiAudit.Collectors.Probes.Ena;

/// <summary>
/// Places a log line's stamp on the real time line. Zoned stamps (ISO with an offset, journal
/// realtime, kmsg) are absolute; stamps without a zone (syslog, dmesg -T, ISO without offset) are the
/// node's local time, read in <see cref="Zone"/>; syslog stamps also lack the year, which is taken from
/// a reference instant — the file's modification time: the last line of a log is never written after
/// its file was, so a stamp that would fall more than a day after the reference belongs to the year before.
/// Monotonic (seconds-since-boot) stamps have no wall time: null.
/// </summary>
public sealed class LogClock(TimeZoneInfo zone, DateTimeOffset reference)
{
    public TimeZoneInfo Zone { get; } = zone;
    public DateTimeOffset Reference { get; } = reference;
    private readonly int _referenceYear = TimeZoneInfo.ConvertTime(reference, zone).Year;
    private readonly bool _utc = zone == TimeZoneInfo.Utc || zone.Id is "UTC" or "Etc/UTC";

    public static LogClock Utc(DateTimeOffset reference) => new(TimeZoneInfo.Utc, reference);

    public DateTimeOffset? Resolve(KernelLogLine line) => Resolve(line.Seconds, line.TimeKind, line.Local);

    public DateTimeOffset? Resolve(double? seconds, LogTimeKind kind, bool local)
    {
        if (seconds is not { } s || double.IsNaN(s)) return null;
        switch (kind)
        {
            case LogTimeKind.Wall:
                if (s is < -62135596800 or > 253402300799) return null;
                var t = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(s * 1000));
                return local ? FromLocal(t.DateTime) : t;
            case LogTimeKind.WallNoYear:
                var parts = KernelLogPrefix.NoYearParts(s);
                var year = _referenceYear;
                var candidate = Build(year, parts);
                if (candidate > Reference.AddDays(1)) candidate = Build(year - 1, parts);
                return candidate;
            default:
                return null;
        }
    }

    private DateTimeOffset Build(int year, DateTime parts)
    {
        var day = Math.Min(parts.Day, DateTime.DaysInMonth(year, parts.Month)); // Feb 29 in a non-leap year
        var local = new DateTime(year, parts.Month, day, parts.Hour, parts.Minute, parts.Second, DateTimeKind.Unspecified).AddTicks(parts.Ticks % TimeSpan.TicksPerSecond);
        return FromLocal(local);
    }

    private DateTimeOffset FromLocal(DateTime wall)
    {
        var unspecified = DateTime.SpecifyKind(wall, DateTimeKind.Unspecified);
        if (_utc) return new DateTimeOffset(unspecified, TimeSpan.Zero);
        // A stamp in a DST gap does not exist; take the standard offset rather than throw.
        var offset = Zone.IsInvalidTime(unspecified) ? Zone.BaseUtcOffset : Zone.GetUtcOffset(unspecified);
        return new DateTimeOffset(unspecified, offset).ToUniversalTime();
    }
}
