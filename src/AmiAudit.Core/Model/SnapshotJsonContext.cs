using System.Text.Json.Serialization;

namespace AmiAudit.Core.Model;

/// <summary>
/// Compile-time (source-generated) serialisation metadata for the snapshot. Reflection-based
/// System.Text.Json spends ~100 ms of JIT per process building this on the fly, which is a third of
/// a whole `amiaudit scan`; generated code starts warm. Settings mirror <see cref="SnapshotJson.Options"/>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(Snapshot))]
internal sealed partial class SnapshotJsonContext : JsonSerializerContext;
