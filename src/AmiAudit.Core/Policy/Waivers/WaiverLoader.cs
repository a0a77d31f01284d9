using System.Globalization;
using System.Text.Json.Nodes;
using AmiAudit.Core.Policies.Loading;
using AmiAudit.Core.Policies.Operators;

namespace AmiAudit.Core.Policies;

public sealed record WaiverLoadResult(WaiverSet Waivers, IReadOnlyList<PolicyError> Errors)
{
    public bool Ok => Errors.Count == 0;
}

/// <summary>Reads a <c>kind: Waivers</c> file with the same error collection as policies.</summary>
public static class WaiverLoader
{
    public const string Kind = "Waivers";

    private static readonly Lazy<NJsonSchema.JsonSchema> Validator = new(() => PolicySchema.Compile(WaiverSchema.Generate()));

    public static WaiverLoadResult Load(PolicySource source)
    {
        var (docs, syntax) = YamlDocumentReader.Read(source);
        if (syntax is not null) return new WaiverLoadResult(WaiverSet.Empty, [syntax]);

        var errors = new List<PolicyError>();
        var waivers = new List<Waiver>();
        foreach (var doc in docs)
        {
            var semantic = new List<PolicyError>();
            var schema = SchemaValidation.Validate(Validator.Value, doc, source.Path);
            if (doc.Root is JsonObject root && root["waivers"] is JsonArray items)
            {
                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i] is not JsonObject w) continue;
                    var path = YamlJsonDocument.Index("#/waivers", i);
                    var expiresPath = YamlJsonDocument.Child(path, "expires");
                    var text = JsonValues.AsString(w["expires"]);
                    DateOnly expires = default;
                    if (text is not null && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out expires))
                    {
                        var (line, col) = doc.Locate(expiresPath);
                        semantic.Add(new PolicyError(source.Path, line, col, PolicyErrorCodes.BadDate, $"expires: '{text}' is not a date (yyyy-mm-dd)"));
                        continue;
                    }
                    if (JsonValues.AsString(w["rule"]) is not { } rule || JsonValues.AsString(w["reason"]) is not { } reason
                        || JsonValues.AsString(w["owner"]) is not { } owner || text is null)
                        continue; // the schema names what is missing
                    waivers.Add(new Waiver
                    {
                        Rule = rule,
                        Target = JsonValues.AsString(w["target"]),
                        Subject = JsonValues.AsString(w["subject"]),
                        Reason = reason,
                        Owner = owner,
                        Expires = expires,
                        File = source.Path,
                        Line = doc.Locate(path).Line,
                    });
                }
            }
            errors.AddRange(PolicyLoader.Merge(semantic, schema));
        }
        return new WaiverLoadResult(new WaiverSet(waivers),
            [.. errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ThenBy(e => e.Code, StringComparer.Ordinal)]);
    }
}
