using System.Globalization;

namespace AmiAudit.Core.Diff;

/// <summary>
/// Numbers become bands before they are compared, so 361 vs 358 restarts/h is "the same" and 0 vs 360 is not.
/// Band edges: rates and counts 0 | 1-10 | 10-100 | >100 (upper edge inclusive); dying memcgs after node-facts 2.5
/// (warn ≥ 1,000, critical ≥ 20,000); CPU saturation as the worst core's saturated share of the window.
/// The first band of each scale is the healthy one (<see cref="IsHealthy"/>).
/// </summary>
public static class Bands
{
    public const string Zero = "0";
    public static readonly IReadOnlyList<string> RateBands = [Zero, "1-10", "10-100", ">100"];
    public static readonly IReadOnlyList<string> MemcgBands = ["<1000", "1000-20000", ">=20000"];
    public static readonly IReadOnlyList<string> CpuBands = ["none", "<25%", "25-50%", ">=50%"];

    public static string Rate(double perHourOrCount) => perHourOrCount switch
    {
        <= 0 => Zero,
        <= 10 => "1-10",
        <= 100 => "10-100",
        _ => ">100",
    };

    public static string Memcg(long dying) => dying switch
    {
        < 1000 => "<1000",
        < 20000 => "1000-20000",
        _ => ">=20000",
    };

    public static string Cpu(double saturatedShare) => saturatedShare switch
    {
        <= 0 => "none",
        < 0.25 => "<25%",
        < 0.5 => "25-50%",
        _ => ">=50%",
    };

    /// <summary>Index of a band in its scale, or -1 when the value is not a band (absent, "unavailable").</summary>
    public static int Level(string value)
    {
        foreach (var scale in new[] { RateBands, MemcgBands, CpuBands })
        {
            for (var i = 0; i < scale.Count; i++)
                if (string.Equals(scale[i], value, StringComparison.Ordinal)) return i;
        }
        return -1;
    }

    public static bool IsBand(string value) => Level(value) >= 0;

    /// <summary>The lowest band is healthy; non-band values (absent, unavailable) count as healthy too —
    /// we never call a node sick for lack of a reading.</summary>
    public static bool IsHealthy(string value) => Level(value) <= 0;

    /// <summary>Rate band from 10 (≤ 10) upward: the level the explainer treats as crash-looping.</summary>
    public static bool IsHighRate(string value) => Level(value) >= 2 && RateBands.Contains(value);

    public static string Number(double v) =>
        Math.Abs(v - Math.Round(v)) < 1e-9
            ? ((long)Math.Round(v)).ToString("N0", CultureInfo.InvariantCulture)
            : v.ToString("0.#", CultureInfo.InvariantCulture);
}
