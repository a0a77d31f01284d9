namespace AmiAudit.Collectors.Probes.Ena;

/// <summary>
/// The one way a log stamp's numbers become an instant. Stamps are text anyone (or any corruption) can write —
/// "Mar 03 12:80:01", "0000-13-32T25:00:00", "+99:99", a year-1 stamp in a zone east of UTC — and DateTime's
/// constructors throw on every field out of its range (fuzzing, Crashes/kernel-log). Here a field out of range
/// makes the stamp "not a time" (null): the prefix is still recognised and stripped, the line just has no time.
/// A leap second (:60) reads as :59.
/// </summary>
public static class StampTime
{
    /// <summary>Seconds since the Unix epoch of the first and last instant a <see cref="DateTimeOffset"/> holds.</summary>
    public const double MinUnixSeconds = -62135596800, MaxUnixSeconds = 253402300799;

    /// <summary>The UTC instant of these fields, or null when one is out of its calendar range.</summary>
    public static DateTimeOffset? Utc(int year, int month, int day, int hour, int minute, int second)
    {
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 60) return null;
        return new DateTimeOffset(year, month, day, hour, minute, Math.Min(second, 59), TimeSpan.Zero);
    }

    /// <summary>As <see cref="Utc"/>, with a day past the month's end (Apr 31, Feb 29 of a common year) read as its last day,
    /// as syslog stamps without a year need.</summary>
    public static DateTimeOffset? UtcClampingDay(int year, int month, int day, int hour, int minute, int second) =>
        year is < 1 or > 9999 || month is < 1 or > 12 || day is < 1 or > 31 ? null
            : Utc(year, month, Math.Min(day, DateTime.DaysInMonth(year, month)), hour, minute, second);

    /// <summary>Seconds since the Unix epoch (fraction to the millisecond) as an instant; null for NaN or outside years 1–9999.</summary>
    public static DateTimeOffset? FromUnixSeconds(double seconds) =>
        double.IsNaN(seconds) || seconds is < MinUnixSeconds or > MaxUnixSeconds ? null
            : DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));

    /// <summary>A wall-clock time at <paramref name="offset"/> from UTC as a UTC instant; null when the instant would fall
    /// outside years 1–9999 (0001-01-01 00:30 at +01:00).</summary>
    public static DateTimeOffset? FromWall(DateTime wall, TimeSpan offset)
    {
        if (offset.Ticks % TimeSpan.TicksPerMinute != 0 || offset.Duration() > TimeSpan.FromHours(14)) return null;
        var utcTicks = wall.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks) return null;
        return new DateTimeOffset(DateTime.SpecifyKind(wall, DateTimeKind.Unspecified), offset).ToUniversalTime();
    }
}
