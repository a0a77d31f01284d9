using AmiAudit.Cli.Infrastructure;
using AmiAudit.Cli.Infrastructure.Io;
using AmiAudit.Core.Policies.Loading;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AmiAudit.Cli.Diff;

/// <summary>One named environment: a snapshot file or directory, an image root, or the live host.</summary>
internal sealed record DiffEnvironment(string? Snapshots, string? Root, bool Live);

/// <summary>The <c>environments:</c> (and <c>diff: { ignore: [...] }</c>) part of amiaudit.yaml.</summary>
internal sealed record DiffEnvironments(string? Source, IReadOnlyDictionary<string, DiffEnvironment> Named, IReadOnlyList<string> Ignore)
{
    /// <summary>Reads amiaudit.yaml (explicit path, else ./amiaudit.yaml if present); paths are relative to the file.
    /// Other top-level sections belong to other verbs and are left alone. All problems are reported together.</summary>
    public static DiffEnvironments Load(string? explicitPath)
    {
        var path = explicitPath ?? (File.Exists("amiaudit.yaml") ? "amiaudit.yaml" : null);
        var named = new Dictionary<string, DiffEnvironment>(StringComparer.Ordinal);
        var ignore = new List<string>();
        if (path is null) return new DiffEnvironments(null, named, ignore);
        string text;
        try
        {
            text = InputFile.ReadAllText(path, InputFile.ConfigMaxBytes);
        }
        catch (InputFileException e)
        {
            throw new InvalidInputException(e.Reason == "no such file"
                ? $"amiaudit: --config {path}: no such file"
                : $"{path}:1:1: {e.Reason}; not an amiaudit.yaml");
        }
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var problems = new List<string>();
        try
        {
            var stream = new YamlStream();
            stream.Load(new DepthLimitedParser(text));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return new DiffEnvironments(path, named, ignore);
            if (root.Children.TryGetValue(new YamlScalarNode("environments"), out var envNode))
            {
                if (envNode is not YamlMappingNode envs) problems.Add($"{path}:{envNode.Start.Line}:{envNode.Start.Column}: 'environments' must be a mapping of NAME: {{ snapshots: PATH }}");
                else
                {
                    foreach (var (k, v) in envs.Children)
                    {
                        if (k is not YamlScalarNode { Value: { } name })
                        {
                            problems.Add($"{path}:{k.Start.Line}:{k.Start.Column}: an environment name must be a plain string");
                            continue;
                        }
                        var snaps = Scalar(v, "snapshots");
                        var rootDir = Scalar(v, "root");
                        var live = Scalar(v, "live") is "true" or "yes";
                        if (snaps is null && rootDir is null && !live)
                        {
                            problems.Add($"{path}:{v.Start.Line}:{v.Start.Column}: environment '{name}' needs 'snapshots: PATH', 'root: DIR' or 'live: true'");
                            continue;
                        }
                        named[name] = new DiffEnvironment(snaps is null ? null : Path.Combine(baseDir, snaps), rootDir is null ? null : Path.Combine(baseDir, rootDir), live);
                    }
                }
            }
            if (root.Children.TryGetValue(new YamlScalarNode("diff"), out var diffNode) && diffNode is YamlMappingNode diff
                && diff.Children.TryGetValue(new YamlScalarNode("ignore"), out var ign) && ign is YamlSequenceNode list)
                ignore.AddRange(list.Children.OfType<YamlScalarNode>().Select(n => n.Value ?? "").Where(v => v.Length > 0));
        }
        catch (YamlException e)
        {
            problems.Add($"{path}:{e.Start.Line}:{e.Start.Column}: {e.Message}");
        }
        if (problems.Count > 0) throw new InvalidInputException(problems);
        return new DiffEnvironments(path, named, ignore);
    }

    private static string? Scalar(YamlNode node, string key) =>
        node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? (v as YamlScalarNode)?.Value : null;
}
