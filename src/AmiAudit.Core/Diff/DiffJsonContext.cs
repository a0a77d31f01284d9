using System.Text.Json.Serialization;

namespace AmiAudit.Core.Diff;

/// <summary>Generated JSON metadata for the diff result (schema amiaudit.diff/v1). No settings of its own:
/// naming, null handling and indentation are the snapshot's, applied at run time by
/// <see cref="Model.SnapshotJson.WithContext"/>.</summary>
[JsonSerializable(typeof(DiffResult))]
internal sealed partial class DiffJsonContext : JsonSerializerContext;
