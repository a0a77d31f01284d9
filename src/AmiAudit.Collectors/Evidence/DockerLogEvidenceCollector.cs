using System.Globalization;
using System.Text;
using System.Text.Json;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;

namespace AmiAudit.Collectors.Evidence;

/// <summary>
/// Docker's json-file container logs, <c>&lt;data-root&gt;/containers/&lt;id&gt;/&lt;id&gt;-json.log</c> (and its rotations
/// <c>-json.log.N[.gz]</c>): total size, the last few lines (only the tail of the file is read, redacted), the
/// last line's time; and the container's create time from <c>config.v2.json</c> ("Created") — for a container
/// ecs-init deletes and recreates, "created seconds before the node died" is the evidence RestartCount never
/// shows. The on-disk container facts get <c>created</c> filled in.
/// </summary>
public sealed class DockerLogEvidenceCollector : ICollector
{
    private const int TailBytes = 64 * 1024;
    private const int TailLines = 5;
    private const long ConfigCap = 4 * 1024 * 1024;

    public string Name => "evidence-docker";
    public int Order => 44;
    public bool AppliesTo(CollectionMode mode) => mode == CollectionMode.ImageRoot;

    public Snapshot Collect(CollectionContext context, Snapshot snapshot)
    {
        var run = EvidenceRun.For(context, Name);
        var dataRoots = snapshot.Containers.Select(c => c.Source).OfType<string>()
            .Select(s => s.EndsWith("/config.v2.json", StringComparison.Ordinal) ? s[..s.LastIndexOf("/containers/", StringComparison.Ordinal)] : null)
            .OfType<string>().Append("/var/lib/docker").Distinct(StringComparer.Ordinal);
        var found = new List<ContainerLogEvidence>();
        var rows = new List<EvidenceSource>();
        foreach (var root in dataRoots)
        {
            foreach (var dir in run.Fs.List(root + "/containers").Where(e => e.Kind == EntryKind.Directory))
            {
                var item = Read(run, dir.Path, dir.Name, rows);
                if (item is not null) found.Add(item);
            }
        }
        if (found.Count == 0) return snapshot;

        // Every container's create time is a fact; only a container that ran (it has a log) is post-mortem evidence —
        // one baked into an image that never started tells no story.
        var created = found.Where(l => l.Created is not null).GroupBy(l => l.Id).ToDictionary(g => g.Key, g => g.First().Created, StringComparer.Ordinal);
        var containers = snapshot.Containers.Select(c => c.Created is null && c.Id is not null && created.TryGetValue(c.Id, out var t) ? c with { Created = t } : c).ToList();
        var logs = found.Where(l => l.LogBytes > 0 || l.LastLines.Count > 0).ToList();
        if (logs.Count == 0) return snapshot with { Containers = containers };
        var evidence = run.Current(snapshot);
        return snapshot with
        {
            Containers = containers,
            Evidence = evidence with
            {
                Sources = [.. evidence.Sources, .. rows],
                Containers = [.. logs.OrderBy(l => l.Name, StringComparer.Ordinal).ThenBy(l => l.Id, StringComparer.Ordinal)],
            },
        };
    }

    private static ContainerLogEvidence? Read(EvidenceRun run, string dir, string dirName, List<EvidenceSource> rows)
    {
        var fs = run.Fs;
        string? name = null, image = null, id = dirName;
        DateTimeOffset? created = null;
        var config = fs.ReadText(dir + "/config.v2.json", ConfigCap);
        if (config is not null)
        {
            try
            {
                using var doc = JsonDocument.Parse(config, new JsonDocumentOptions { MaxDepth = 64 });
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    id = Str(root, "ID") ?? dirName;
                    name = Str(root, "Name")?.TrimStart('/');
                    if (root.TryGetProperty("Config", out var cfg) && cfg.ValueKind == JsonValueKind.Object) image = Str(cfg, "Image");
                    if (Time(Str(root, "Created")) is { Year: > 1 } t) created = t;
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException) { /* the on-disk collector already notes an unparseable config */ }
        }
        var logFiles = LogFiles.Find(fs, dir, id + "-json.log");
        if (logFiles.Count == 0 && config is null) return null;
        long bytes = logFiles.Sum(f => f.Size);
        var last = new List<string>();
        DateTimeOffset? lastTime = null;
        var current = logFiles.LastOrDefault(f => !f.Gzip);
        if (current is not null)
        {
            (last, lastTime) = Tail(fs, current.Path, run.Source);
            rows.Add(new EvidenceSource { Path = current.Path, Kind = "docker", Bytes = Math.Min(current.Size, TailBytes), Lines = last.Count, Last = lastTime, Detail = $"{bytes} bytes of log in {logFiles.Count} file(s); last {TailBytes} bytes read" });
        }
        if (created is not null && !run.InBounds(created) && (lastTime is null || !run.InBounds(lastTime))) return null;
        return new ContainerLogEvidence
        {
            Id = id,
            Name = name ?? id,
            Image = image,
            Created = created,
            LogBytes = bytes,
            LastLines = last,
            LastTime = lastTime,
            Source = current?.Path ?? dir + "/config.v2.json",
        };
    }

    /// <summary>The last lines of a json-file log: {"log":"…\n","stream":"stderr","time":"…"} per line.</summary>
    private static (List<string> Lines, DateTimeOffset? Last) Tail(RootFileSystem fs, string path, string source)
    {
        using var stream = fs.OpenStream(path, out _, out var size);
        if (stream is null) return ([], null);
        var from = Math.Max(0, size - TailBytes);
        stream.Seek(from, SeekOrigin.Begin);
        var buffer = new byte[size - from];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (from > 0 && lines.Length > 0) lines = lines[1..]; // the first one is cut
        var result = new List<string>();
        DateTimeOffset? last = null;
        foreach (var line in lines.TakeLast(TailLines))
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                var o = doc.RootElement;
                if (o.ValueKind != JsonValueKind.Object) continue;
                var log = (Str(o, "log") ?? "").TrimEnd('\n', '\r');
                var s = Str(o, "stream") ?? "stdout";
                if (Time(Str(o, "time")) is { } ts) last = ts;
                var clean = new string([.. log.Select(c => c < ' ' && c != '\t' ? ' ' : c)]);
                result.Add(Redactor.RedactText($"{s}: {(clean.Length > 300 ? clean[..300] + "…" : clean)}"));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                fs.Note(source, "unparseable", "a json-file log line is not JSON", path, "info");
            }
        }
        return (result, last);
    }

    /// <summary>Docker's RFC 3339 times carry nanoseconds; .NET reads at most 7 fraction digits.</summary>
    internal static DateTimeOffset? Time(string? s)
    {
        if (s is null) return null;
        var dot = s.IndexOf('.');
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < s.Length && char.IsAsciiDigit(s[end])) end++;
            if (end - dot - 1 > 7) s = s[..(dot + 8)] + s[end..];
        }
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;
    }

    private static string? Str(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? AmiAudit.Collectors.Json.JsonStrings.Get(v) : null;
}
