using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;
using AmiAudit.Generated;

namespace AmiAudit.Collectors;

/// <summary>Runs every discovered collector in order; one collector failing never stops the rest.</summary>
public static partial class SnapshotCollector
{
    private static readonly Lazy<IReadOnlyList<ICollector>> Discovered = new(() =>
        Factories().Select(f => f())
            .OrderBy(c => c.Order).ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToList());

    public static IReadOnlyList<ICollector> All => Discovered.Value;

    /// <summary>Every public collector class of this assembly, listed at compile time (AmiAudit.Generators) so
    /// NativeAOT keeps them; public only, as the reflection it replaces required.</summary>
    [Implementations(PublicOnly = true)]
    private static partial Func<ICollector>[] Factories();

    /// <summary>Runs the collectors and returns their snapshot, redacted (<see cref="SnapshotRedaction"/>).</summary>
    public static Snapshot Collect(CollectionContext context, Snapshot? seed = null, IEnumerable<ICollector>? collectors = null)
    {
        var snapshot = seed ?? new Snapshot();
        var extra = new List<Diagnostic>();
        foreach (var collector in (collectors ?? All).Where(c => c.AppliesTo(context.Mode)))
        {
            context.Progress?.Report(collector.Name);
            try
            {
                snapshot = collector.Collect(context, snapshot);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A collector bug must not lose the other collectors' facts; it is reported, not hidden.
                extra.Add(new Diagnostic { Source = collector.Name, Level = "error", Code = "collector-failed", Message = $"{e.GetType().Name}: {e.Message}" });
            }
        }
        // Every string of the result goes through the redactor here, once, whatever each collector did itself:
        // the snapshot, and every verb and format rendered from it, inherit it (docs/security.md).
        return SnapshotRedaction.Redact(snapshot with { Diagnostics = [.. snapshot.Diagnostics, .. context.Fs.Diagnostics, .. extra] });
    }
}
