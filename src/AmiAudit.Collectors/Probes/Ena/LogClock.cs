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
    private readonly int _referenceYear = reference.Year is > 1 and < 9999 ? TimeZoneInfo.ConvertTime(reference, zone).Year : reference.Year;
    // The latest a stamp without a year may be (a day of clock skew past the reference), kept inside the calendar.
    private readonly DateTimeOffset _latest = reference > DateTimeOffset.MaxValue.AddDays(-1) ? DateTimeOffset.MaxValue : reference.AddDays(1);
    private readonly bool _utc = zone == TimeZoneInfo.Utc || zone.Id is "UTC" or "Etc/UTC";

    public static LogClock Utc(DateTimeOffset reference) => new(TimeZoneInfo.Utc, reference);

    public DateTimeOffset? Resolve(KernelLogLine line) => Resolve(line.Seconds, line.TimeKind, line.Local);

    public DateTimeOffset? Resolve(double? seconds, LogTimeKind kind, bool local)
    {
        if (seconds is not { } s || double.IsNaN(s)) return null;
        switch (kind)
        {
            case LogTimeKind.Wall:
                if (StampTime.FromUnixSeconds(s) is not { } t) return null;
                return local ? FromLocal(t.DateTime) : t;
            case LogTimeKind.WallNoYear:
                // Seconds into the nominal (leap) year 2000, as KernelLogPrefix writes them; anything else is no time.
                if (s is < 0 or >= 366 * 86400.0) return null;
                var parts = KernelLogPrefix.NoYearParts(s);
                var year = _referenceYear;
                var candidate = Build(year, parts);
                if (year > 1 && (candidate is null || candidate > _latest)) candidate = Build(year - 1, parts) ?? candidate;
                return candidate;
            default:
                return null;
        }
    }

    private DateTimeOffset? Build(int year, DateTime parts)
    {
        var day = Math.Min(parts.Day, DateTime.DaysInMonth(year, parts.Month)); // Feb 29 in a non-leap year
        var local = new DateTime(year, parts.Month, day, parts.Hour, parts.Minute, parts.Second, DateTimeKind.Unspecified).AddTicks(parts.Ticks % TimeSpan.TicksPerSecond);
        return FromLocal(local);
    }

    private DateTimeOffset? FromLocal(DateTime wall)
    {
        var unspecified = DateTime.SpecifyKind(wall, DateTimeKind.Unspecified);
        if (_utc) return new DateTimeOffset(unspecified, TimeSpan.Zero);
        // A stamp in a DST gap does not exist; take the standard offset rather than throw.
        var offset = Zone.IsInvalidTime(unspecified) ? Zone.BaseUtcOffset : Zone.GetUtcOffset(unspecified);
        return StampTime.FromWall(unspecified, offset); // null at the ends of the calendar (year 1 east of UTC)
    }
}
