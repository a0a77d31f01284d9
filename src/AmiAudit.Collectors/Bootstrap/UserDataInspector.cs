using System.Security.Cryptography;
using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;
using AmiAudit.Core.Urls;

namespace AmiAudit.Collectors.Bootstrap;

/// <summary>
/// User data that did not come from a file in an image root (the EC2 API's launch template user data) turned into
/// the same bootstrap facts <see cref="BootstrapCollector"/> records for <c>/var/lib/cloud/instance/user-data.txt</c>:
/// layers peeled (<see cref="UserDataDecoder"/>), MIME parts split (<see cref="UserDataParts"/>), URLs extracted,
/// redacted and classified (<see cref="UrlExtractor"/>), units a script starts (<see cref="SystemctlStarts"/>), and —
/// beyond what an image root needs, because the API gives the document and not the files cloud-init wrote — every
/// cloud-config <c>write_files</c> entry as a script of its own (<see cref="CloudConfigWriteFiles"/>).
/// The text never leaves this class: only hashes, sizes, unit names and redacted URLs do.
/// </summary>
public static class UserDataInspector
{
    public sealed record Result(List<ScriptFact> Scripts, List<UrlFact> Urls, UserDataFact Fact, List<Diagnostic> Diagnostics);

    /// <param name="raw">User data as the API returns it (base64 text), or as written.</param>
    /// <param name="path">What scripts and URLs are located at ("user-data"); write_files entries are "PATH#write_files:FILE".</param>
    /// <param name="origin">launch-template | instance</param>
    /// <param name="diagnosticSource">Collector name on diagnostics ("ec2").</param>
    public static Result Inspect(ReadOnlySpan<byte> raw, string path, string origin, string diagnosticSource)
    {
        var decoded = UserDataDecoder.Decode(raw);
        var scripts = new List<ScriptFact>();
        var urls = new List<UrlFact>();
        var diagnostics = decoded.Problems
            .Select(p => new Diagnostic { Source = diagnosticSource, Level = "warning", Code = "user-data-undecodable", Message = p, Path = path })
            .ToList();
        var encodings = decoded.Encodings.ToList();
        var partCount = 0;
        if (decoded.Text is { } text)
        {
            var parts = UserDataParts.Split(text);
            partCount = parts.Count;
            if (text.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase) || text.StartsWith("MIME-Version:", StringComparison.OrdinalIgnoreCase))
                encodings.Add("mime");
            var starts = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var problem in parts.Select(p => p.Problem).OfType<string>().Distinct(StringComparer.Ordinal))
                diagnostics.Add(new Diagnostic { Source = diagnosticSource, Level = "warning", Code = "user-data-malformed", Message = problem, Path = path });
            foreach (var part in parts)
            {
                urls.AddRange(UrlExtractor.Extract(part.Text, path, part.FirstLine));
                starts.UnionWith(SystemctlStarts.Find(part.Text));
                var kind = KindOf(part.ContentType);
                if (!encodings.Contains(kind)) encodings.Add(kind);
                if (part.ContentType == "text/cloud-config") AddWrittenFiles(part.Text, path, scripts, urls, diagnostics, diagnosticSource);
            }
            scripts.Add(new ScriptFact { Path = path, Kind = "user-data", Size = decoded.Bytes.Length, Sha256 = decoded.Truncated ? null : Sha256(decoded.Bytes), StartsUnits = [.. starts] });
        }
        else
        {
            scripts.Add(new ScriptFact { Path = path, Kind = "user-data", Size = decoded.Bytes.Length, Sha256 = decoded.Truncated ? null : Sha256(decoded.Bytes) });
        }
        var fact = new UserDataFact
        {
            Source = origin,
            Size = decoded.Bytes.Length,
            Sha256 = decoded.Truncated ? null : Sha256(decoded.Bytes),
            Encodings = encodings,
            Parts = partCount,
        };
        return new Result(scripts, urls, fact, diagnostics);
    }

    private static void AddWrittenFiles(string cloudConfig, string path, List<ScriptFact> scripts, List<UrlFact> urls, List<Diagnostic> diagnostics, string diagnosticSource)
    {
        foreach (var file in CloudConfigWriteFiles.Read(cloudConfig))
        {
            // The path is user data too: a hostile one may carry anything, so it is redacted and escaped like text.
            var source = $"{path}#write_files:{Redactor.RedactText(file.Path)}";
            if (file.Problem is not null)
                diagnostics.Add(new Diagnostic { Source = diagnosticSource, Level = "warning", Code = "user-data-undecodable", Message = file.Problem, Path = source });
            if (file.Bytes is null)
            {
                scripts.Add(new ScriptFact { Path = source, Kind = "cloud-init-write-file" });
                continue;
            }
            // Binary or truncated content still has a size (and, when whole, a hash): comparable between zones.
            scripts.Add(new ScriptFact
            {
                Path = source,
                Kind = "cloud-init-write-file",
                Size = file.Bytes.Length,
                Sha256 = file.Truncated ? null : Sha256(file.Bytes),
                StartsUnits = file.Content is null ? [] : [.. SystemctlStarts.Find(file.Content)],
            });
            if (file.Content is null) continue;
            urls.AddRange(UrlExtractor.Extract(file.Content, source, 1));
        }
    }

    private static string KindOf(string contentType) => contentType switch
    {
        "text/x-shellscript" => "shell",
        "text/cloud-config" => "cloud-config",
        "text/cloud-boothook" => "boothook",
        "text/x-include-url" => "include",
        _ => "text",
    };

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
