using AmiAudit.Generated;

namespace AmiAudit.Core.Model;

/// <summary>
/// <c>new X()</c> for every public model class, for <see cref="SnapshotDefaults"/>: source-generated
/// System.Text.Json metadata treats init-only properties as constructor parameters and writes default
/// for keys a file lacks, losing the <c>= []</c> / <c>= new()</c> defaults the records declare.
/// </summary>
internal static partial class ModelFactories
{
    /// <summary>Keyed by model type; listed at compile time (AmiAudit.Generators), so NativeAOT keeps the constructors.
    /// Builds a new dictionary per call: cache it.</summary>
    [ParameterlessFactories(typeof(Snapshot))]
    internal static partial IReadOnlyDictionary<Type, Func<object>> All();
}
