namespace AmiAudit.Core.Policies;

/// <summary>The loaded waivers; the evaluator asks it which waiver (if any) covers a failing finding.</summary>
public sealed class WaiverSet(IReadOnlyList<Waiver> waivers)
{
    public static readonly WaiverSet Empty = new([]);

    public IReadOnlyList<Waiver> Waivers { get; } = waivers;

    /// <summary>The first unexpired waiver covering the finding, in file order.</summary>
    public Waiver? Find(string ruleId, string target, string subject, DateOnly today) =>
        Waivers.FirstOrDefault(w => !w.IsExpired(today) && w.Covers(ruleId, target, subject));

    /// <summary>Expired waivers that would apply to this target: each is itself a failure.</summary>
    public IEnumerable<Waiver> Expired(string target, DateOnly today) =>
        Waivers.Where(w => w.IsExpired(today) && w.AppliesToTarget(target));
}
