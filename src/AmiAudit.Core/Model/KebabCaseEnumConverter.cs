using System.Text.Json;
using System.Text.Json.Serialization;

namespace AmiAudit.Core.Model;

/// <summary>
/// Enums as kebab-case names in every JSON we write (<c>critical</c>, <c>not-applicable</c>). Put
/// <c>[JsonConverter(typeof(KebabCaseEnumConverter&lt;T&gt;))]</c> on an enum that reaches JSON. Why
/// per enum rather than one options-wide converter: the non-generic JsonStringEnumConverter builds its
/// converters with MakeGenericType at run time, which a NativeAOT build cannot do; the generic one is
/// compiled ahead of time. SnapshotJsonContractTests fails for an enum that reaches JSON without it.
/// </summary>
public sealed class KebabCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.KebabCaseLower)
    where TEnum : struct, Enum;
