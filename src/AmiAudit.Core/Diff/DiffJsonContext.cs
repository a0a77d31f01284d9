using System.Text.Json.Serialization;

namespace AmiAudit.Core.Diff;

/// <summary>Generated JSON metadata for the diff result (schema amiaudit.diff/v1); the settings are the
/// snapshot's (<see cref="Model.SnapshotJson.Options"/>), applied through <see cref="Model.SnapshotJson.WithContext"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(DiffResult))]
internal sealed partial class DiffJsonContext : JsonSerializerContext;
