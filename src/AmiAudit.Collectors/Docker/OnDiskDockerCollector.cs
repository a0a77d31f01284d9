using System.Text.Json;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;
using AmiAudit.Collectors.Json;

namespace AmiAudit.Collectors.Docker;

/// <summary>
/// Containers baked into the image: &lt;data-root&gt;/containers/&lt;id&gt;/config.v2.json (name, image, labels)
/// and hostconfig.json (restart policy). A container with restart policy "always" in an AMI starts on
/// every node's first boot, whatever systemd says. Runs in live mode too, as the baseline the Engine
/// API collector (later, higher Order) refines; it replaces entries with the same Id.
/// </summary>
public sealed class OnDiskDockerCollector : ICollector
{
    private const long JsonCap = 4 * 1024 * 1024;
    private const string DefaultDataRoot = "/var/lib/docker";

    public string Name => "docker-disk";
    public int Order => 20;
    public bool AppliesTo(CollectionMode mode) => true;

    public Snapshot Collect(CollectionContext context, Snapshot snapshot)
    {
        var fs = context.Fs;
        var dataRoot = DataRoot(fs);
        var found = new List<ContainerFact>();
        foreach (var dir in fs.List(dataRoot + "/containers").Where(e => e.Kind == EntryKind.Directory))
        {
            var fact = ReadContainer(fs, dir.Path);
            if (fact is not null) found.Add(fact);
        }
        if (found.Count == 0) return snapshot;

        var ids = found.Select(c => c.Id).Where(id => id is not null).ToHashSet(StringComparer.Ordinal);
        return snapshot with { Containers = [.. snapshot.Containers.Where(c => c.Id is null || !ids.Contains(c.Id)), .. found] };
    }

    /// <summary>dockerd's "data-root" (or the older "graph") from /etc/docker/daemon.json, else /var/lib/docker.</summary>
    private string DataRoot(RootFileSystem fs)
    {
        var text = fs.ReadText("/etc/docker/daemon.json", 1024 * 1024);
        if (text is null) return DefaultDataRoot;
        try
        {
            using var doc = JsonDocument.Parse(text, Options);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                // Names through JsonStrings, not TryGetProperty: comparing an escaped name with an unpaired
                // surrogate throws InvalidOperationException (fuzzing, docker-daemon-json).
                string? dataRoot = null, graph = null;
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (p.Value.ValueKind != JsonValueKind.String) continue;
                    var name = JsonStrings.Name(p);
                    if (name == "data-root") dataRoot = JsonStrings.Get(p.Value);
                    else if (name == "graph") graph = JsonStrings.Get(p.Value);
                }
                foreach (var s in (string?[])[dataRoot, graph])
                    if (s is { Length: > 0 } && s.StartsWith('/')) return RootFileSystem.Normalize(s);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            fs.Note(Name, "unparseable", Where(e) + e.Message.Split(" LineNumber:")[0], "/etc/docker/daemon.json");
        }
        return DefaultDataRoot;
    }

    private ContainerFact? ReadContainer(RootFileSystem fs, string dir)
    {
        var configPath = dir + "/config.v2.json";
        var config = fs.ReadText(configPath, JsonCap);
        if (config is null) return null;
        string? id, name, image;
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(config, Options);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                fs.Note(Name, "unparseable", "config.v2.json is not a JSON object", configPath);
                return null;
            }
            id = Str(root, "ID");
            name = Str(root, "Name")?.TrimStart('/');
            image = root.TryGetProperty("Config", out var cfg) && cfg.ValueKind == JsonValueKind.Object ? Str(cfg, "Image") : null;
            if (cfg.ValueKind == JsonValueKind.Object && cfg.TryGetProperty("Labels", out var l) && l.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in l.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.String) labels[JsonStrings.Name(p)] = JsonStrings.Get(p.Value);
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            fs.Note(Name, "unparseable", Where(e) + e.Message.Split(" LineNumber:")[0], configPath);
            return null;
        }

        var (policy, retries) = ReadRestartPolicy(fs, dir + "/hostconfig.json");
        var dirName = dir[(dir.LastIndexOf('/') + 1)..];
        return new ContainerFact
        {
            Name = string.IsNullOrEmpty(name) ? dirName : name,
            Id = id ?? dirName,
            Image = ContainerSecrets.Image(image),
            RestartPolicy = policy,
            MaximumRetryCount = retries,
            Labels = ContainerSecrets.Labels(labels),
            Source = configPath,
        };
    }

    private (string Policy, int? Retries) ReadRestartPolicy(RootFileSystem fs, string path)
    {
        var text = fs.ReadText(path, JsonCap);
        if (text is null) return ("no", null);
        try
        {
            using var doc = JsonDocument.Parse(text, Options);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("RestartPolicy", out var rp) && rp.ValueKind == JsonValueKind.Object)
            {
                var policy = Str(rp, "Name");
                int? retries = rp.TryGetProperty("MaximumRetryCount", out var m) && m.ValueKind == JsonValueKind.Number && m.TryGetInt32(out var n) ? n : null;
                // Docker writes "" for a container created without --restart; the API reports that as "no".
                return (string.IsNullOrEmpty(policy) ? "no" : policy, retries);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            fs.Note(Name, "unparseable", Where(e) + e.Message.Split(" LineNumber:")[0], path);
        }
        return ("no", null);
    }

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    private static string Where(Exception e) => $"line {((e as JsonException)?.LineNumber ?? 0) + 1}, column {((e as JsonException)?.BytePositionInLine ?? 0) + 1}: ";

    private static string? Str(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? JsonStrings.Get(v) : null;
}
