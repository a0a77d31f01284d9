using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;

namespace AmiAudit.Collectors.Docker;

/// <summary>
/// Where container facts are made (config.v2.json on disk, the Engine API), their free-form fields are redacted:
/// image references can carry <c>user:password@</c>, labels carry whatever a deployment put there (an
/// <c>api-key</c> label is masked whole, any other value is scanned for secret shapes). The structural pass at
/// the end of collection would catch them too; redacting at the source keeps intermediate snapshots clean.
/// </summary>
internal static class ContainerSecrets
{
    public static string? Image(string? image) => image is null ? null : Redactor.RedactText(image);

    public static SortedDictionary<string, string> Labels(IEnumerable<KeyValuePair<string, string>> labels)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in labels)
        {
            var k = Redactor.RedactText(key);
            // Two label names that redact alike (both were secrets): keep both values, numbered.
            if (k != key)
                for (var n = 2; result.ContainsKey(k); n++) k = $"{Redactor.RedactText(key)}#{n}";
            result[k] = Redactor.RedactValue(key, value);
        }
        return result;
    }
}
