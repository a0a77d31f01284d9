namespace AmiAudit.Core.Health;

/// <summary>
/// When dying memory cgroups become a problem. No authoritative limit is published
/// (node-facts 2.5); these are the suggested reference points: a healthy node has a few dying
/// memcgs, Pinterest's sick node had 68,680 tracked vs 240 live (≈ 286:1), and kernels before 4.8
/// refused new cgroups at 65,535.
/// </summary>
public static class MemcgThresholds
{
    /// <summary>Below this many dying memcgs nothing is reported, whatever the ratio.</summary>
    public const long ProblemDying = 1_000;
    public const long ProblemRatio = 10;
    public const long CriticalDying = 20_000;
    public const long CriticalRatio = 50;

    /// <summary>ok | problem | critical for a dying/live pair.</summary>
    public static string Classify(long dying, long live)
    {
        if (dying < ProblemDying) return "ok";
        var l = Math.Max(1, live);
        if (dying >= CriticalDying || dying >= CriticalRatio * l) return "critical";
        return dying >= ProblemRatio * l ? "problem" : "ok";
    }
}
